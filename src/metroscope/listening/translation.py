"""Survey texts in English, French and Spanish (django-modeltranslation)."""

from __future__ import annotations

import simple_history
from modeltranslation.translator import TranslationOptions, register

from metroscope.listening.models import Option, Question, Survey


@register(Survey)
class SurveyTranslation(TranslationOptions):
    fields = ("title", "intro")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")


@register(Option)
class OptionTranslation(TranslationOptions):
    fields = ("label",)


# After translation, so the historical tables get the per-language columns.
simple_history.register(Survey)
simple_history.register(Question)
simple_history.register(Option)
