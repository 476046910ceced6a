from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from metroscope.core.i18n import missing_translations, translated
from metroscope.plan.models import Theme

pytestmark = pytest.mark.django_db


def test_translated_uses_active_language_then_english():
    theme = Theme.objects.get(code="T-SUS")
    with translation.override("fr"):
        text, lang = translated(theme, "name")
        assert lang == "fr"
        assert text == theme.name_fr
    theme.name_es = ""
    with translation.override("es"):
        assert translated(theme, "name") == (theme.name_en, "en")


def test_tr_tag_marks_an_english_fallback_visibly():
    theme = Theme.objects.get(code="T-SUS")
    theme.name_es = ""
    html = Template('{% load metroscope %}{% tr theme "name" %}').render(Context({"theme": theme}))
    assert html == theme.name_en
    with translation.override("es"):
        html = Template('{% load metroscope %}{% tr theme "name" %}').render(
            Context({"theme": theme})
        )
    assert 'lang="en"' in html
    assert "fallback-badge" in html
    assert missing_translations(theme, ["name"]) == ["name_es"]


def test_every_plan_text_has_french_and_spanish():
    from metroscope.plan import models as m

    checks = [
        (m.StrategicPlan, ["title", "vision", "mission", "evaluation"]),
        (m.Theme, ["name"]),
        (m.Challenge, ["name"]),
        (m.ChallengeTopic, ["name"]),
        (m.CrossCuttingFactor, ["name"]),
        (m.OutcomeKind, ["name"]),
        (m.ActionLine, ["name"]),
        (m.Axis, ["name"]),
        (m.KeyIdea, ["text"]),
        (m.Outcome, ["text"]),
        (m.Program, ["name", "does"]),
        (m.Milestone, ["event"]),
    ]
    for model, fields in checks:
        for obj in model.objects.all():
            assert missing_translations(obj, fields) == [], (model.__name__, obj.pk)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "16 December 2026"), ("fr", "16 décembre 2026"), ("es", "16 de diciembre de 2026")],
)
def test_long_date_is_written_as_each_language_writes_it(language, expected):
    import datetime as dt

    from django.utils import translation

    from metroscope.core.templatetags.metroscope import long_date

    with translation.override(language):
        assert long_date(dt.date(2026, 12, 16)) == expected
        assert long_date(None) == ""
