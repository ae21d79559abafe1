"""Mail tests: a temporary media folder for what they store (raw messages, attachments), and the
real Dovecot (TEST_IMAP_URL) for the IMAP ones."""

import pytest

from tests.conftest import require
from tests.mail import imap


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def imap_server() -> str:
    """Require the real Dovecot (TEST_IMAP_URL) and return its URL."""
    url = imap.server_url()
    ok, reason = imap.reachable(url)
    require(ok, f"needs Dovecot: {reason}")
    return url


@pytest.fixture
def imap_box(imap_server):
    """Yield a fresh, empty folder on the real Dovecot, deleted after the test."""
    box = imap.fresh_folder(imap_server)
    yield box
    imap.drop_folder(box)
