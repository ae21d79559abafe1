"""The rota most queues tests run against."""

import pytest

from tests.queues.helpers import engineer


@pytest.fixture
def rota(db):
    """Two EMEA engineers 09-17 UTC on weekdays; one in New York 09-17 local (14-22 UTC)."""
    return [
        engineer("ada"),
        engineer("ben"),
        engineer("cy", zone="America/New_York", region="americas"),
    ]
