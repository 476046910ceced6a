from __future__ import annotations

import pytest

from metroscope.core.env import envbool, envint, envlist


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)]
)
def test_envbool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert envbool("X_FLAG") is expected


def test_envbool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ValueError, match="X_FLAG='maybe' is not a boolean"):
        envbool("X_FLAG")


def test_envint_and_envlist(monkeypatch):
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert envint("X_INT", 1) == 42
    assert envint("X_MISSING", 7) == 7
    assert envlist("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_INT", "4x")
    with pytest.raises(ValueError, match="not an integer"):
        envint("X_INT", 1)
