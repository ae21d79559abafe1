"""bench/pages.py's settings: production's, plus the ceiling view's URL (bench/_pages_urls.py).

Only the benchmark uses this module; the app's own settings and URLs are untouched.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench._pages_urls"
