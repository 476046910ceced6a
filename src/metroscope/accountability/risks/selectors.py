"""Reads of the risk register and the policies, prefetched for the page and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from metroscope.accountability import version as ledger_version
from metroscope.accountability.activities.models import Activity
from metroscope.accountability.risks import analytics as scoring
from metroscope.accountability.risks.models import (
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyVersion,
    Risk,
    RiskStatus,
)
from metroscope.plan import models as framework


def risk_register() -> QuerySet[Risk]:
    return Risk.objects.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.order_by("start_date", "title")),
        Prefetch("outcomes", queryset=framework.Outcome.objects.order_by("code")),
    ).order_by("-likelihood", "-impact", "title", "pk")


@dataclass
class RiskOverview:
    risks: list[Risk]
    cells: list[scoring.Cell]
    levels: dict[str, int]
    open_count: int
    illustrative: bool


def risk_overview() -> RiskOverview:
    """Every risk, and the heat map of those not closed (three queries when the data changed
    since the process last read them, else none: the risks, their activities and outcomes are
    the plan's tables)."""
    return ledger_version.cached("risk_overview", None, _risk_overview)


def _risk_overview() -> RiskOverview:
    register = list(risk_register())
    live = [(r.likelihood, r.impact) for r in register if r.status != RiskStatus.CLOSED]
    cells = scoring.heat_map(live)
    return RiskOverview(
        risks=register,
        cells=cells,
        levels=scoring.level_counts(cells),
        open_count=len(live),
        illustrative=any(r.illustrative for r in register),
    )


@dataclass
class PolicyRow:
    document: PolicyDocument
    current: PolicyVersion | None
    versions: list[PolicyVersion]
    acknowledged_by_me: bool


def policies(*, user: object) -> list[PolicyRow]:
    """Each policy with its versions (newest first), who acknowledged each and whether the
    user acknowledged the version in force (three queries)."""
    today = timezone.localdate()
    acks = PolicyAcknowledgement.objects.select_related("user").order_by("acknowledged_at")
    documents = PolicyDocument.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=PolicyVersion.objects.order_by("-effective_on", "-pk").prefetch_related(
                Prefetch("acknowledgements", queryset=acks)
            ),
        )
    ).order_by("title")
    rows = []
    for document in documents:
        versions = list(document.versions.all())
        current = next((v for v in versions if v.effective_on <= today), None)
        mine = current is not None and any(
            a.user_id == getattr(user, "pk", None) for a in current.acknowledgements.all()
        )
        rows.append(PolicyRow(document, current, versions, mine))
    return rows
