"""docs/architecture.md keeps step with the code: its app table lists exactly the installed
Metroscope apps, and the README leads to it."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
APPS_HEADING = "## Apps"
_FIRST_CELL_MODULE = re.compile(r"^\|\s*`(metroscope\.[a-z_]+)`\s*\|")


def documented_apps(text: str) -> set[str]:
    """The modules named in the first column of the first table under the Apps heading."""
    lines = text.splitlines()
    start = lines.index(APPS_HEADING) + 1
    found: set[str] = set()
    in_table = False
    for line in lines[start:]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            in_table = True
            match = _FIRST_CELL_MODULE.match(line)
            if match:
                found.add(match.group(1))
        elif in_table:
            break
    return found


def installed_apps() -> set[str]:
    return {c.name for c in apps.get_app_configs() if c.name.startswith("metroscope.")}


def test_the_app_table_lists_exactly_the_installed_apps():
    documented = documented_apps(ARCHITECTURE.read_text(encoding="utf-8"))
    installed = installed_apps()
    assert {
        "installed, missing from docs/architecture.md": sorted(installed - documented),
        "in docs/architecture.md, not installed": sorted(documented - installed),
    } == {
        "installed, missing from docs/architecture.md": [],
        "in docs/architecture.md, not installed": [],
    }


def test_the_table_parser_reads_only_the_apps_table():
    text = "\n".join(
        [
            "## Floors",
            "| `metroscope.elsewhere` | not this table |",
            APPS_HEADING,
            "",
            "| app | floor |",
            "|---|---|",
            "| `metroscope.core` | 0 |",
            "| `metroscope.core.search` | a module, not an app |",
            "| `metroscope.members` | 1 |",
            "",
            "| `metroscope.later` | a second table |",
            "## Next",
        ]
    )
    assert documented_apps(text) == {"metroscope.core", "metroscope.members"}


def test_readme_links_to_the_architecture():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/architecture.md)" in readme
