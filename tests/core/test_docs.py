"""Every API endpoint and every Metroscope command is documented (datasette's habit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import get_commands

from metroscope.api import api

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_api_endpoint_is_in_docs_api_md():
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    schema = api.get_openapi_schema()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if f"{method.upper()} {path}`" not in text
    ]
    assert not missing, f"undocumented endpoints: {missing}"


@pytest.mark.parametrize(
    "command",
    sorted(name for name, app in get_commands().items() if app.startswith("metroscope")),
)
def test_every_metroscope_command_is_in_docs_commands_md(command):
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    assert f"`metroscope {command}" in text
