"""Group names and descriptions in English, French and Spanish (django-modeltranslation)."""

from __future__ import annotations

import simple_history
from modeltranslation.translator import TranslationOptions, register

from metroscope.community.models import Group


@register(Group)
class GroupTranslation(TranslationOptions):
    fields = ("name", "description")


# After translation, so the historical table gets the per-language columns.
simple_history.register(Group)
