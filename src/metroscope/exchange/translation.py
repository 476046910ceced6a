"""Collection texts in French and Spanish (django-modeltranslation). Solutions carry their
own language and optional translations (SolutionTranslation) instead."""

from __future__ import annotations

import simple_history
from modeltranslation.translator import TranslationOptions, register

from metroscope.exchange.models import Collection


@register(Collection)
class CollectionTranslation(TranslationOptions):
    fields = ("name", "description")


# After translation, so the historical table gets the per-language columns.
simple_history.register(Collection)
