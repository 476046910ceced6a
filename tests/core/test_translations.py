"""The interface exists whole in French and Spanish, and the compiled catalogues match."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

LOCALE = Path(__file__).resolve().parents[2] / "src" / "metroscope" / "locale"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_po_file_is_complete(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {language}: {untranslated}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_mo_file_matches_po_file(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    mo = polib.mofile(str(folder / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (entry.msgstr, entry.msgstr_plural), (
            f"{language}: {entry.msgid!r} differs in django.mo: run `make messages`"
        )


def test_every_interface_string_is_in_the_catalogue(tmp_path):
    # Every string added to templates since the last `make messages` must be in the .po file.
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext is not installed: cannot re-extract messages")
    src = Path(__file__).resolve().parents[2] / "src" / "metroscope"
    work = tmp_path / "metroscope"
    shutil.copytree(src, work, ignore=shutil.ignore_patterns("__pycache__"))
    cwd = os.getcwd()
    os.chdir(work)
    try:
        call_command("makemessages", locale=["fr"], no_location=True, no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = polib.pofile(str(work / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    # makemessages marks a new string "fuzzy" when it resembles an old one: that is missing too.
    missing = [e.msgid for e in fresh.untranslated_entries() + fresh.fuzzy_entries()]
    assert not missing, f"strings not in the catalogue yet (run `make messages`): {missing}"
