"""The README and docs/ stand on their own in a clone; docs/policy.md says what the code does."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from queues.demo import ROTA
from queues.load import DEFAULT_RULES, state_for_level

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
POLICY = (ROOT / "docs" / "policy.md").read_text()
# Made by the two commands themselves: the virtualenv, and dev.py run's broker and mail folders.
MADE_AT_RUN = (".venv", ".dev", "staticfiles", "artifacts")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("doc", DOCS, ids=_name)
def test_the_docs_name_no_path_outside_the_repository(doc):
    text = doc.read_text()
    assert "../" not in text, f"{_name(doc)} points outside the repository"
    assert "/work/" not in text, f"{_name(doc)} names a folder of the machine it was written on"
    for target in re.findall(r"\]\(([^)#\s]+)", text):  # markdown links
        if "://" not in target and not target.startswith(("/", "mailto:")):
            assert (doc.parent / target).exists(), f"{_name(doc)} links to missing {target}"
    for path in re.findall(r"`([A-Za-z_.][\w.-]*(?:/[\w.*-]+)+/?)`", text):  # `some/path.py`
        if path.startswith(MADE_AT_RUN) or "*" in path or path in available_timezones():
            continue
        assert (ROOT / path).exists(), f"{_name(doc)} names {path}, which is not in the repository"


def test_the_readme_points_to_the_projects_own_policy():
    readme = (ROOT / "README.md").read_text()
    assert "(docs/policy.md)" in readme and "PRODUCT.md" not in readme


def _table(marker: str) -> list[list[str]]:
    block = POLICY.split(f"<!-- {marker} -->")[1].split(f"<!-- /{marker} -->")[0]
    rows = [line for line in block.strip().splitlines() if line.startswith("|")][2:]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def _route(pattern: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + m.group(1) + "}", pattern)


def _api_routes() -> set[tuple[str, str]]:
    """Return (METHOD, path) for every view under /api/v1/ but the schema and its docs."""
    found = set()

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and prefix.startswith("api/v1/"):
                path = _route(prefix + str(p.pattern))[len("/api/v1") :]
                if path in ("/schema/", "/docs/", "/redoc/"):
                    continue
                view = p.callback.view_class
                for method in ("get", "post", "put", "patch", "delete"):
                    if hasattr(view, method):
                        found.add((method.upper(), path.replace("{pk}", "{id}")))

    walk(get_resolver().url_patterns, "")
    return found


def test_the_policy_lists_every_api_endpoint_and_no_other():
    documented = set()
    for row in _table("endpoints"):
        method, path = row[0].strip("`").split(" ", 1)
        documented.add((method, path))
    assert documented == _api_routes()


def test_the_policy_states_the_shipped_sla_targets():
    shipped = import_module("triage.migrations.0002_sla_defaults")
    names = {"24x5": "24×5", "24x7": "24×7", "team": "team"}
    rows = [
        (tier, priority, f"{minutes // 60} h", names[calendar], names[premium or calendar])
        for tier, priority, minutes, calendar, premium in shipped.TARGETS
    ]
    table = [(r[0], r[1], r[2].split(" (")[0], r[3], r[4]) for r in _table("sla-targets")]
    assert table == rows


def test_the_policy_states_the_shipped_capacity_levels():
    def number(value) -> str:
        return "–" if value is None else f"{value:g}"

    rows = [
        [
            str(rule.level),
            rule.name,
            number(rule.staffing_at_or_below),
            number(rule.load_above),
            state_for_level(rule.level).replace("_", " "),
        ]
        for rule in DEFAULT_RULES
    ]
    assert _table("capacity-levels") == rows


def test_the_policy_states_the_demo_rota_in_local_and_winter_utc_hours():
    def utc(zone: str, start: str, end: str) -> str:
        def at(hhmm: str) -> str:
            hour, minute = map(int, hhmm.split(":"))
            local = datetime(2026, 1, 14, hour, minute, tzinfo=ZoneInfo(zone))  # a winter Wednesday
            return f"{local.astimezone(UTC):%H:%M}"

        return f"{at(start)}–{at(end)}"

    rows = [
        [name, zone, region, f"{start}–{end}", f"{d_start}–{d_end}", utc(zone, start, end)]
        for name, zone, region, start, end, d_start, d_end in ROTA
    ]
    assert _table("demo-rota") == rows
