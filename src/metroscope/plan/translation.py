"""Plan texts translated into French and Spanish (django-modeltranslation)."""

from __future__ import annotations

import simple_history
from modeltranslation.translator import TranslationOptions, register

from metroscope.plan import models as m


@register(m.StrategicPlan)
class StrategicPlanTranslation(TranslationOptions):
    fields = ("title", "organisation", "vision", "mission", "evaluation")


@register(
    [
        m.Theme,
        m.Challenge,
        m.ChallengeTopic,
        m.CrossCuttingFactor,
        m.OutcomeKind,
        m.ActionLine,
        m.Axis,
    ]
)
class NameTranslation(TranslationOptions):
    fields = ("name",)


@register([m.KeyIdea, m.Outcome])
class TextTranslation(TranslationOptions):
    fields = ("text",)


@register(m.Program)
class ProgramTranslation(TranslationOptions):
    fields = ("name", "does")


@register(m.HeadlineAverage)
class HeadlineAverageTranslation(TranslationOptions):
    fields = ("indicator", "unit", "note")


@register(m.Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("event",)


# History is registered after translation so the historical tables get the name_en/fr/es
# columns too (django-simple-history's documented way to combine the two).
for _model in (
    m.StrategicPlan,
    m.Theme,
    m.Challenge,
    m.ChallengeTopic,
    m.CrossCuttingFactor,
    m.OutcomeKind,
    m.ActionLine,
    m.KeyIdea,
    m.Axis,
    m.Outcome,
    m.Program,
    m.Milestone,
    m.HeadlineAverage,
):
    simple_history.register(_model)
