"""Reads of the plan framework, prefetched for tree pages and the API."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from metroscope.plan import models as m


def current_plan() -> m.StrategicPlan | None:
    return m.StrategicPlan.objects.order_by("-start_year").first()


def plan_lines(*, plan: m.StrategicPlan) -> QuerySet[m.ActionLine]:
    return (
        m.ActionLine.objects.filter(plan=plan)
        .order_by("order")
        .prefetch_related(
            Prefetch("key_ideas", queryset=m.KeyIdea.objects.order_by("order")),
            Prefetch(
                "axes",
                queryset=m.Axis.objects.order_by("order").prefetch_related(
                    Prefetch("outcomes", queryset=m.Outcome.objects.order_by("order"))
                ),
            ),
        )
    )


def plan_challenges(*, plan: m.StrategicPlan) -> QuerySet[m.Challenge]:
    return (
        m.Challenge.objects.filter(plan=plan)
        .order_by("order")
        .prefetch_related(Prefetch("topics", queryset=m.ChallengeTopic.objects.order_by("order")))
    )


def plan_items(*, plan: m.StrategicPlan, model: type[m.PlanItem]) -> QuerySet[m.PlanItem]:
    return model.objects.filter(plan=plan).order_by("order")  # type: ignore[attr-defined]


def plan_outcomes(*, plan: m.StrategicPlan) -> QuerySet[m.Outcome]:
    return m.Outcome.objects.filter(axis__line__plan=plan).select_related("axis__line")


def plan_milestones(*, plan: m.StrategicPlan) -> QuerySet[m.Milestone]:
    return plan.milestones.order_by("year", "order")


def plan_averages(*, plan: m.StrategicPlan) -> QuerySet[m.HeadlineAverage]:
    return plan.averages.order_by("order")


def plan_figure(*, plan: m.StrategicPlan, key: str) -> float | None:
    figure = m.HeadlineFigure.objects.filter(plan=plan, key=key).first()
    return figure.value if figure else None
