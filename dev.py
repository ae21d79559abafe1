#!/usr/bin/env python3
"""Set up and run Support Triage on a machine that has only Python 3.11.

python3 dev.py run    install, migrate SQLite, load demo data, serve on 127.0.0.1:8000
python3 dev.py test   install, run the whole test suite (extra arguments go to pytest)
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("VENV_DIR", ROOT / ".venv"))
PY = VENV / "bin" / "python"


def sh(*args: str, **env: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, cwd=ROOT, check=True, env={**os.environ, **env})  # noqa: S603


def install(extras: str) -> None:
    """Create the virtualenv and install the project into it (quick when up to date)."""
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    spec = ROOT / "pyproject.toml"
    if stamp.exists() and stamp.stat().st_mtime >= spec.stat().st_mtime:
        return
    sh(str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(str(PY), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]" if extras else ".")
    stamp.touch()


def run() -> None:
    install("")
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local"}
    sh(str(PY), "manage.py", "migrate", "--noinput", **env)
    sh(str(PY), "manage.py", "seed_demo", **env)
    sh(str(PY), "manage.py", "runserver", "127.0.0.1:8000", **env)


def test(args: list[str]) -> int:
    install("dev")
    command = [str(PY), "-m", "pytest", *args]
    return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "run":
        run()
    elif command == "test":
        sys.exit(test(sys.argv[2:]))
    else:
        sys.exit(__doc__)
