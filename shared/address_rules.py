"""Senders and accounts (issue 13): addresses and email domains as they are stored and matched.

Pure code: plain strings in and out. Stored values are lower case ("ops@acme.io", "acme.io");
international domain names are stored in their ASCII form (IDNA, "xn--...").
"""

from __future__ import annotations

import re

ADDRESS_MAX = 320
DOMAIN_MAX = 253
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]{1,64}$")


def domain_normal(value: str) -> str:
    """Return a domain as stored ("acme.io" from " @ACME.io. " or "*.acme.io"), or raise
    ValueError saying what is wrong: at least two labels, letters, digits and hyphens."""
    text = str(value).strip().lower()
    text = text.removeprefix("@").removeprefix("*.").rstrip(".")
    if not text:
        raise ValueError("Give a domain, e.g. acme.io.")
    if not text.isascii():
        try:
            text = text.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"“{value}” is not a domain name.") from None
    labels = text.split(".")
    if len(text) > DOMAIN_MAX or not all(_LABEL.match(label) for label in labels):
        raise ValueError(f"“{value}” is not a domain name.")
    if len(labels) < 2:
        raise ValueError("Give the whole domain, e.g. acme.io, not a top-level domain alone.")
    return text


def address_normal(value: str) -> str:
    """Return an address as stored ("ops@acme.io" from " Ops@ACME.io "), or raise ValueError:
    one plain address, without a display name."""
    text = str(value).strip()
    local, at, domain = text.rpartition("@")
    if not at or not _LOCAL.match(local) or ".." in local or local.startswith("."):
        raise ValueError(f"“{value}” is not one e-mail address (like ops@acme.io).")
    try:
        domain = domain_normal(domain)
    except ValueError:
        raise ValueError(f"“{value}” is not one e-mail address (like ops@acme.io).") from None
    address = f"{local.lower()}@{domain}"
    if len(address) > ADDRESS_MAX:
        raise ValueError("That address is too long.")
    return address


def sender_address(value: str) -> str:
    """Return a sender's address as stored, or "" when it is not one (never raises)."""
    try:
        return address_normal(value)
    except ValueError:
        return ""


def domain_and_parents(domain: str) -> list[str]:
    """Return a domain and its parents, longest first, without the top-level domain:
    "eu.mail.acme.io" -> ["eu.mail.acme.io", "mail.acme.io", "acme.io"]."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def domain_of(address: str) -> str:
    """Return the domain of a stored address ("acme.io" for "ops@acme.io")."""
    return address.rpartition("@")[2]
