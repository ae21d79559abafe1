"""Addresses and domains as stored and matched (issue 13, point 3), without a database."""

import pytest

from shared.address_rules import (
    address_normal,
    domain_and_parents,
    domain_normal,
    domain_of,
    sender_address,
)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("acme.io", "acme.io"),
        (" @ACME.io. ", "acme.io"),
        ("*.eu.Acme.io", "eu.acme.io"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_a_domain_is_stored_lower_case_and_plain(given, stored):
    assert domain_normal(given) == stored


@pytest.mark.parametrize(
    "bad",
    ["", "io", "acme..io", "-acme.io", "acme_io.com", "a b.io", "acme.io\r\nBcc: x", "x" * 300],
)
def test_a_bad_domain_says_so(bad):
    with pytest.raises(ValueError):
        domain_normal(bad)


@pytest.mark.parametrize(
    ("given", "stored"),
    [("Ops@ACME.io", "ops@acme.io"), ("  first.last+tag@eu.acme.io ", "first.last+tag@eu.acme.io")],
)
def test_an_address_is_stored_lower_case(given, stored):
    assert address_normal(given) == stored
    assert sender_address(given) == stored


@pytest.mark.parametrize(
    "bad",
    ["acme.io", "Ops <ops@acme.io>", "a@b@acme.io", "ops@io", "a b@acme.io", ".x@acme.io",
     "x\r\nBcc: v@acme.io", "ops@"],
)  # fmt: skip
def test_a_bad_address_says_so(bad):
    with pytest.raises(ValueError):
        address_normal(bad)
    assert sender_address(bad) == ""


def test_a_domain_and_its_parents_longest_first_without_the_tld():
    assert domain_and_parents("eu.mail.acme.io") == ["eu.mail.acme.io", "mail.acme.io", "acme.io"]
    assert domain_and_parents("acme.io") == ["acme.io"]
    assert domain_of("ops@eu.acme.io") == "eu.acme.io"
