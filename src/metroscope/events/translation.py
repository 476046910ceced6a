"""Session titles in English, French and Spanish (django-modeltranslation)."""

from __future__ import annotations

import simple_history
from modeltranslation.translator import TranslationOptions, register

from metroscope.events.models import Session


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title",)


# After translation, so the historical table gets the per-language columns.
simple_history.register(Session, table_name="programs_historicalsession")
