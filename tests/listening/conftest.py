"""Surveys and requests made by the listening tests: the app ships no content of its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from metroscope.listening.models import Option, Question, Survey


def make_survey(*, open_now: bool = True, **values: Any) -> Survey:
    now = timezone.now()
    start = now - timedelta(days=1) if open_now else now - timedelta(days=30)
    survey = Survey.objects.create(
        title_en=values.get("title_en", "Priorities of the network"),
        title_fr="Priorités du réseau",
        title_es="Prioridades de la red",
        intro_en="Tell us what matters to your metropolis.",
        intro_es="Díganos qué le importa a su metrópolis.",
        opens_at=start,
        closes_at=start + timedelta(days=7 if open_now else 10),
    )
    single = Question.objects.create(
        survey=survey,
        order=1,
        kind="single",
        text_en="Which region do you work with most?",
        text_es="¿Con qué región trabaja más?",
    )
    for i, (en, es) in enumerate([("Africa", "África"), ("Europe", "Europa")]):
        Option.objects.create(question=single, order=i, label_en=en, label_es=es)
    multiple = Question.objects.create(
        survey=survey,
        order=2,
        kind="multiple",
        required=False,
        text_en="Which services have you used?",
        text_es="¿Qué servicios ha utilizado?",
    )
    for i, (en, es) in enumerate([("Trainings", "Formaciones"), ("Observatory", "Observatorio")]):
        Option.objects.create(question=multiple, order=i, label_en=en, label_es=es)
    Question.objects.create(
        survey=survey,
        order=3,
        kind="scale",
        scale_min=1,
        scale_max=5,
        text_en="How satisfied are you?",
        text_es="¿Qué tan satisfecho está?",
    )
    ranking = Question.objects.create(
        survey=survey,
        order=4,
        kind="ranking",
        text_en="Rank these themes by priority",
        text_es="Ordene estos temas por prioridad",
    )
    for i, (en, es) in enumerate(
        [("Housing", "Vivienda"), ("Climate", "Clima"), ("Gender equality", "Igualdad de género")]
    ):
        Option.objects.create(question=ranking, order=i, label_en=en, label_es=es)
    Question.objects.create(
        survey=survey,
        order=5,
        kind="number",
        required=False,
        text_en="How many staff work on international relations?",
        text_es="¿Cuántas personas trabajan en relaciones internacionales?",
    )
    Question.objects.create(
        survey=survey,
        order=6,
        kind="text",
        required=False,
        text_en="Anything else?",
        text_es="¿Algo más?",
    )
    return survey


def questions(survey: Survey) -> dict[str, Question]:
    return {q.kind: q for q in survey.questions.prefetch_related("options")}


def good_answers(survey: Survey) -> dict[int, Any]:
    q = questions(survey)
    opts = {
        kind: [o.pk for o in q[kind].options.all()] for kind in ("single", "multiple", "ranking")
    }
    return {
        q["single"].pk: opts["single"][1],
        q["multiple"].pk: opts["multiple"],
        q["scale"].pk: 4,
        q["ranking"].pk: list(reversed(opts["ranking"])),
        q["number"].pk: 3,
        q["text"].pk: "More trainings in Spanish.",
    }


@pytest.fixture
def survey(db) -> Survey:
    return make_survey()
