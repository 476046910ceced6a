"""Catalogue texts translated into French and Spanish (django-modeltranslation)."""

from __future__ import annotations

import simple_history
from modeltranslation.translator import TranslationOptions, register

from metroscope.observatory.models import Indicator, ReferenceValue


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("name", "definition", "methodology")


@register(ReferenceValue)
class ReferenceValueTranslation(TranslationOptions):
    fields = ("label",)


# After translation, so the historical table gets the per-language columns (as in members).
simple_history.register(Indicator)
simple_history.register(ReferenceValue)
