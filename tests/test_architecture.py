"""The shape of the code: small modules, and docs/architecture.md naming real modules and tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["config", "shared", "triage", "queues", "escalations", "presales", "dashboards", "demo"]
MAX_LINES = 400


def _modules() -> list[Path]:
    found = []
    for folder in [*PACKAGES, "bench"]:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                found.append(path)
    return found + [ROOT / "manage.py", ROOT / "dev.py"]


def test_no_module_passes_400_lines_outside_tests_and_migrations():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


DOC = (ROOT / "docs" / "architecture.md").read_text()


@pytest.mark.parametrize(
    "path", sorted(set(re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.py)`", DOC))), ids=str
)
def test_the_architecture_document_names_files_that_exist(path):
    assert (ROOT / path).exists(), f"docs/architecture.md names {path}, which does not exist"


@pytest.mark.parametrize(
    "dotted",
    sorted(
        set(re.findall(r"`((?:config|shared|triage|queues|escalations|presales|dashboards)"
                       r"(?:\.[a-z_]+)+)`", DOC))
    ),
)  # fmt: skip
def test_the_architecture_document_names_code_that_exists(dotted):
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            assert hasattr(target, name), f"docs/architecture.md names {dotted}: no {name}"
            target = getattr(target, name)
        return
    pytest.fail(f"docs/architecture.md names {dotted}, which does not import")


def test_every_hook_registration_is_listed():
    registered = {
        str(p.relative_to(ROOT))
        for p in ROOT.glob("*/apps.py")
        if "hooks.register(" in p.read_text()
    }
    assert registered == {"queues/apps.py", "presales/apps.py", "escalations/apps.py"}
    for path in registered:
        assert f"`{path}`" in DOC
