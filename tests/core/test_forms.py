"""A field of several files keeps every file that is an allowed image or PDF and names each
one it refuses."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from metroscope.core.forms import MultipleFileField
from tests.core.files import HTML, PDF, image_bytes, upload


class Files(forms.Form):
    files = MultipleFileField(required=False)


def test_several_files_are_kept():
    kept = [upload("plan.png", image_bytes()), upload("r.pdf", PDF)]
    form = Files(files={"files": kept})
    assert form.is_valid(), form.errors
    assert [f.name for f in form.cleaned_data["files"]] == ["plan.png", "r.pdf"]


def test_each_refused_file_is_named():
    field = MultipleFileField()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        field.clean([upload("a.png", HTML), upload("ok.png", image_bytes()), upload("b.png", PDF)])
    messages = refused.value.messages
    assert len(messages) == 2
    assert "“a.png” is a web page (HTML)" in messages[0]
    assert "“b.png” is named as a PNG file but holds a PDF file" in messages[1]


def test_the_input_takes_several_files_of_the_allowed_types():
    html = str(Files()["files"])
    assert "multiple" in html
    assert 'accept="image/png,image/jpeg,image/webp,image/gif,application/pdf"' in html
