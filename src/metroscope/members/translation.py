"""Content fields translated into French and Spanish (django-modeltranslation)."""

from __future__ import annotations

import simple_history
from modeltranslation.translator import TranslationOptions, register

from metroscope.members.models import Country, Member, Region, StatutoryBody


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name",)


@register(Member)
class MemberTranslation(TranslationOptions):
    fields = ("description",)


@register(StatutoryBody)
class StatutoryBodyTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ("name",)


# History is registered after translation so the historical tables get the name_en/fr/es
# columns too (django-simple-history's documented way to combine the two).
for _model in (Region, Country, Member, StatutoryBody):
    simple_history.register(_model)
