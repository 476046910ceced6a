"""ILLUSTRATIVE participants, speakers, panels and risks, made up from a fixed seed by
`load_sample_accounts` so that the people and risks pages can be seen working. Every row
carries `illustrative=True`; none of it describes who really took part or Metropolis's real
risks."""

from __future__ import annotations

import datetime as dt
import random

from metroscope.accountability.activities.models import Activity, ActivityType, Mode
from metroscope.accountability.people.models import (
    Panel,
    ParticipantCount,
    ParticipantRole,
    Speaker,
)
from metroscope.accountability.risks.models import Risk, RiskCategory, RiskStatus
from metroscope.core.loading import LoadReport, sync
from metroscope.members.models import Gender
from metroscope.plan.models import Outcome

SEED = "metroscope-sample-people-1"
MODELS = (ParticipantCount, Speaker, Panel, Risk)
GENDER_WEIGHTS = {Gender.FEMALE: 44, Gender.MALE: 48, Gender.ANOTHER: 1, Gender.NOT_STATED: 7}
ROLES = (ParticipantRole.POLITICAL, ParticipantRole.TECHNICAL, ParticipantRole.EXPERT)
WITH_PANELS = {ActivityType.EVENT, ActivityType.POLICY_DEBATE, ActivityType.TRAINING}
# (title, category, likelihood, impact, owner, mitigation, status, outcome code)
RISKS = (
    ("Membership fees paid late (illustrative)", RiskCategory.FINANCIAL, 4, 3,
     "Treasury (illustrative)", "Reminders before the General Assembly", RiskStatus.MITIGATING,
     "L3.2.1"),
    ("Reliance on a few partners' contributions (illustrative)", RiskCategory.FINANCIAL, 3, 4,
     "Secretary General (illustrative)", "Diversify funding", RiskStatus.OPEN, "L3.2.2"),
    ("Host city withdraws from an annual meeting (illustrative)", RiskCategory.OPERATIONAL, 2, 4,
     "Events team (illustrative)", "Keep an online fallback", RiskStatus.OPEN, "L3.5.1"),
    ("Personal data of contacts leaks (illustrative)", RiskCategory.DATA, 2, 5,
     "Data protection officer (illustrative)", "Least-privilege access, audits",
     RiskStatus.MITIGATING, "L3.3.3"),
    ("Conflict of interest in a jury (illustrative)", RiskCategory.COMPLIANCE, 2, 3,
     "Ethics committee (illustrative)", "Declarations of interest", RiskStatus.OPEN, "L3.3.1"),
    ("Low participation of women speakers (illustrative)", RiskCategory.REPUTATIONAL, 4, 2,
     "Programmes (illustrative)", "No all-male panels", RiskStatus.ACCEPTED, "L3.1.3"),
    ("Travel disrupted by a pandemic (illustrative)", RiskCategory.PEOPLE, 1, 5,
     "Secretariat (illustrative)", "", RiskStatus.CLOSED, "L3.5.1"),
)  # fmt: skip


def _rng(*parts: object) -> random.Random:
    return random.Random("|".join([SEED, *map(str, parts)]))  # noqa: S311 (sample data)


def _gender(rng: random.Random) -> str:
    return rng.choices(list(GENDER_WEIGHTS), weights=list(GENDER_WEIGHTS.values()))[0]


def sample_registers_load(report: LoadReport) -> None:
    activities = (
        Activity.objects.exclude(mode=Mode.ONLINE)
        .exclude(participants__illustrative=False)
        .prefetch_related("members")
        .order_by("pk")
        .distinct()
    )
    for activity in activities:
        _counts(activity, report)
        if activity.type in WITH_PANELS:
            _panel(activity, report)
    _risks(report)


def _counts(activity: Activity, report: LoadReport) -> None:
    rng = _rng("counts", activity.code)
    member = next(iter(activity.members.all()), None)
    for role in ROLES:
        for gender in GENDER_WEIGHTS:
            count = max(0, round(rng.gauss(12, 6) * GENDER_WEIGHTS[gender] / 45))
            sync(
                ParticipantCount,
                report,
                lookup={
                    "activity": activity,
                    "gender": gender,
                    "role_category": role,
                    "member": member if role == ParticipantRole.POLITICAL else None,
                    "illustrative": True,
                },
                values={"count": count},
            )


def _panel(activity: Activity, report: LoadReport) -> None:
    rng = _rng("panel", activity.code)
    panel = sync(
        Panel,
        report,
        lookup={
            "activity": activity,
            "title": "Opening panel (illustrative)",
            "illustrative": True,
        },
        values={},
    )
    for n in range(1, rng.randint(3, 5) + 1):
        sync(
            Speaker,
            report,
            lookup={"activity": activity, "panel": panel, "name": f"Speaker {n} (illustrative)",
                    "illustrative": True},
            values={"gender": _gender(rng), "role_category": rng.choice(ROLES)},
        )  # fmt: skip


def _risks(report: LoadReport) -> None:
    first = Activity.objects.order_by("-start_date").first()
    for index, row in enumerate(RISKS):
        title, category, likelihood, impact, owner, mitigation, status, outcome = row
        risk = sync(
            Risk,
            report,
            lookup={"title": title, "illustrative": True},
            values={
                "category": category,
                "likelihood": likelihood,
                "impact": impact,
                "owner": owner,
                "mitigation": mitigation,
                "status": status,
                "review_on": dt.date(2023, 1 + index, 15),
            },
        )
        if outcome:
            risk.outcomes.set(Outcome.objects.filter(code=outcome))
        if first is not None and category == RiskCategory.OPERATIONAL:
            risk.activities.set([first])
