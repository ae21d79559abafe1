"""Helpers for pre-sales tests: prospects and requests filed through the service."""

from __future__ import annotations

from datetime import date

import pytest

from presales import services
from tests.factories import AccountFactory


def file_request(by, account=None, key_dates=(), now=None, **overrides):
    """File a complete pre-sales request as `by` (a CE) through the service."""
    values = {
        "summary": "Helm install fails on the prospect's EKS cluster",
        "attempted_and_expected": "Installed chart 7.2 with reference values; expected pods up.",
        "steps_taken": "Checked node resources and image pulls.",
        "impact_scope": "blocking_all",
        "impact": "The whole evaluation team is blocked.",
        "design_doc_links": ["https://docs.example.com/design/acme"],
        "sales_context": "Technical evaluation, week 2 of 4.",
    }
    values.update(overrides)
    return services.presales_request_create(
        by=by,
        account=account or AccountFactory(tier="presales"),
        key_dates=list(key_dates),
        now=now,
        **values,
    )


@pytest.fixture
def prospect(db):
    return AccountFactory(name="Acme Prospect", tier="presales")


@pytest.fixture
def far_date():
    return date(2099, 1, 15)
