"""Accountability dashboards benchmark on SYNTHETIC accounts (made up here, not Metropolis's).

    .venv/bin/python bench/accountability.py [--database sqlite|postgres|both] [--rounds 20]
                                             [--reuse] [--pg-database NAME] [--no-pdf]

1. For each database, in its own process (Django settings are per process), on a dedicated
   database (SQLite var/bench/accountability-bench.sqlite3, PostgreSQL `metroscope_acct_bench`
   on 127.0.0.1), recreated unless `--reuse` finds one made by the same generator version:
   migrate, load the open data (the 39 real activities, members, the plan), then add seeded
   SYNTHETIC rows — work plans for 2016–2025 where none exists, 5,000 activities, their budget
   lines, 500,000 expenses (six currencies converted at made-up monthly rates, six categories,
   400 suppliers), funding sources, membership fees, participant counts and personal records,
   panels and speakers, trips, result indicators, 400 risks, policies and their
   acknowledgements. Every row carries the project's mark for made-up rows
   (`illustrative=True`; activities too), and its text says "(synthetic)" or "SYNTHETIC
   benchmark data, not real", so every page and report that shows them carries the
   "illustrative figures" label. Bulk inserts; then ANALYZE (VACUUM ANALYZE on PostgreSQL).
2. Measures, in that process through Django's test client as secretariat staff (the role that
   sees the most): every accountability page and the API's dashboards, `--rounds` times each
   after one warm-up, p50 and p95 and the number of queries; each page also once right after
   a write (the first request after the accounts change, when per-process figures are
   recomputed). Baselines in the same run: the money page's figures computed by a naive loop
   (two aggregate queries per activity), and by Python sums over every row; the risk heat map
   and people totals by Python over every row.
3. Makes the Board report PDF for 2022 and for the 2021–2023 mandate with `metroscope
   board_report` in a subprocess: wall time and peak memory (its maximum RSS).
4. Prints the table against the floors (p95 < 150 ms; PDF ≤ 20 s and ≤ 1 GB) and writes
   var/bench/accountability-results.json. The load average is printed at start and end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from common import finish, percentiles, recreate, say, tag, time_rounds

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
RESULTS = BENCH_DIR / "accountability-results.json"
SQLITE_FILE = BENCH_DIR / "accountability-bench.sqlite3"
PG_DATABASE = os.environ.get("ACCT_BENCH_PG_DATABASE", "metroscope_acct_bench")
DATABASE_URLS = {
    "sqlite": f"sqlite:///{SQLITE_FILE}",
    "postgres": f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}",
}
SEED = 20261206
GENERATOR_VERSION = 2
LABEL = "SYNTHETIC benchmark data, not real"
TAGGED = " (synthetic)"
ACTIVITIES = 5_000
EXPENSES = 500_000
RISKS = 400
YEARS = list(range(2016, 2026))
REPORT_YEAR = 2022
MANDATE = "2021-2023"
FLOORS = {"p95_ms": 150.0, "pdf_s": 20.0, "pdf_mb": 1024.0}
BENCH_USER = "synthetic-bench-secretariat"
CENT = Decimal("0.01")
CURRENCIES = {  # made-up EUR per unit around which each month's rate moves
    "EUR": 1.0,
    "USD": 0.92,
    "KRW": 0.00069,
    "CNY": 0.127,
    "ZAR": 0.05,
    "BRL": 0.18,
}
CURRENCY_WEIGHTS = [70, 12, 5, 5, 4, 4]
CATEGORY_WEIGHTS = {
    "travel": 30,
    "venue": 20,
    "staff": 15,
    "consultancy": 15,
    "communication": 12,
    "other": 8,
}
TYPE_WEIGHTS = {
    "event": 22,
    "training": 14,
    "policy_debate": 12,
    "publication": 10,
    "pilot_project": 8,
    "platform": 6,
    "partnership": 8,
    "statement": 5,
    "policy_recommendation": 7,
    "internal_policy": 3,
    "statutory_meeting": 5,
}
TOPICS = [
    "housing",
    "water",
    "mobility",
    "waste",
    "air quality",
    "green spaces",
    "health",
    "digital services",
    "gender equality",
    "participation",
    "energy",
    "food",
]
WITH_PANELS = {"event", "policy_debate", "training", "statutory_meeting"}

# --- the synthetic rows ---------------------------------------------------------------------------


def _rate(rng: random.Random, currency: str) -> Decimal:
    if currency == "EUR":
        return Decimal(1)
    return Decimal(str(round(CURRENCIES[currency] * rng.uniform(0.93, 1.07), 8)))


def _spread(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, largest remainders first (sums exactly)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in raw]
    rest = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in rest[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _bulk(model: Any, rows: list[Any], size: int = 5_000) -> list[Any]:
    from django.db import transaction

    made: list[Any] = []
    for first in range(0, len(rows), size):
        with transaction.atomic():
            made += model.objects.bulk_create(rows[first : first + size])
    return made


def generate() -> dict[str, int]:
    """Add the synthetic rows; returns how many of each."""
    from django.contrib.auth import get_user_model

    from metroscope.accountability.activities.models import Activity, WorkPlan
    from metroscope.members.models import Member
    from metroscope.members.services import role_grant
    from metroscope.plan import models as framework

    rng = random.Random(SEED)
    counts: dict[str, int] = {}
    users = _bulk(
        get_user_model(),
        [
            get_user_model()(
                username=f"synthetic-staff-{n:03d}",
                first_name="Synthetic",
                last_name=f"staff {n:03d}",
                password="!",  # noqa: S106 (unusable: no one signs in as them)
            )
            for n in range(1, 121)
        ],
    )
    get_user_model().objects.create(username=BENCH_USER, password="!")  # noqa: S106
    role_grant(username=BENCH_USER, role="secretariat")
    counts["users"] = len(users) + 1
    known = set(WorkPlan.objects.values_list("year", flat=True))
    _bulk(
        WorkPlan,
        [
            WorkPlan(
                year=y,
                status="closed" if y < 2025 else "approved",
                approved_on=dt.date(y - 1, 12, 10),
                note=f"{LABEL}.",
            )
            for y in YEARS
            if y not in known
        ],
    )
    plans = dict(WorkPlan.objects.values_list("year", "pk"))
    members = list(
        Member.objects.order_by("code").values_list("pk", "name", "latitude", "longitude")
    )
    axes = list(framework.Axis.objects.order_by("pk").values_list("pk", flat=True))
    outcomes = list(framework.Outcome.objects.order_by("pk").values_list("pk", flat=True))
    themes = list(framework.Theme.objects.order_by("pk").values_list("pk", flat=True))
    challenges = list(framework.Challenge.objects.order_by("pk").values_list("pk", flat=True))
    factors = list(framework.CrossCuttingFactor.objects.order_by("pk").values_list("pk", flat=True))
    programs = list(framework.Program.objects.order_by("pk").values_list("pk", flat=True))
    kinds = list(framework.OutcomeKind.objects.order_by("pk").values_list("pk", flat=True))
    # more activities in recent years, as an association grows
    per_year = _spread(ACTIVITIES, [1 + 0.12 * i for i in range(len(YEARS))])
    years = [y for y, n in zip(YEARS, per_year, strict=True) for _ in range(n)]
    types, type_w = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    activities, extras = [], []
    for n, year in enumerate(years, start=1):
        kind = rng.choices(types, type_w)[0]
        topic = rng.choice(TOPICS)
        start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 350))
        mode = rng.choices(["in_person", "online", "hybrid"], [55, 30, 15])[0]
        involved = rng.sample(members, k=min(len(members), rng.choice([1, 1, 2, 2, 3, 4, 6])))
        host = involved[0]
        status = "completed" if year < 2025 else rng.choice(["planned", "ongoing"])
        activities.append(
            Activity(
                work_plan_id=plans[year],
                code=f"synthetic-{n:05d}",
                title=f"{kind.replace('_', ' ').capitalize()} on {topic} {n:05d}{TAGGED}",
                description=f"{LABEL}.",
                type=kind,
                status="cancelled" if rng.random() < 0.03 else status,
                axis_id=rng.choice(axes) if rng.random() < 0.7 else None,
                axis_is_editorial=True,
                outcome_kind_id=rng.choice(kinds) if rng.random() < 0.5 else None,
                sdg_targets=rng.sample(["11.1", "11.2", "11.3", "11.6", "5.5", "13.2"], k=2),
                program_id=rng.choice(programs) if rng.random() < 0.6 else None,
                gender_marker=rng.choice([None, 0, 0, 1, 1, 2]),
                partners=[f"Partner {rng.randint(1, 60):02d}{TAGGED}"]
                if rng.random() < 0.4
                else [],
                mode=mode,
                host_city="" if mode == "online" else host[1],
                start_date=start,
                end_date=start + dt.timedelta(days=rng.choice([0, 0, 1, 2, 4])),
                responsible_staff_id=rng.choice(users).pk,
                illustrative=True,
            )
        )
        extras.append(
            {
                "outcomes": rng.sample(outcomes, k=rng.choice([0, 0, 1, 1, 2])),
                "themes": rng.sample(themes, k=rng.choice([0, 1, 1, 2, 2, 3])),
                "challenges": rng.sample(challenges, k=rng.choice([0, 1, 1, 2])),
                "factors": rng.sample(factors, k=rng.choice([0, 0, 1])),
                "members": [m[0] for m in involved],
                "host": host,
                "year": year,
                "kind": kind,
            }
        )
    made = _bulk(Activity, activities)
    counts["activities"] = len(made)
    say(f"  {len(made):,} activities")
    links = {
        "outcomes": "outcome_id",
        "themes": "theme_id",
        "challenges": "challenge_id",
        "factors": "crosscuttingfactor_id",
        "members": "member_id",
    }
    for name, column in links.items():
        through = getattr(Activity, name).through
        _bulk(
            through,
            [
                through(activity_id=a.pk, **{column: pk})
                for a, extra in zip(made, extras, strict=True)
                for pk in extra[name]
            ],
        )
    pairs = list(zip(made, extras, strict=True))
    counts |= _money(rng, pairs)
    counts |= _people(rng, pairs, members)
    counts |= _trips(rng, pairs, members)
    counts |= _results(rng, pairs, outcomes)
    counts |= _registers(rng, made, outcomes, users)
    return counts


def _money(rng: random.Random, pairs: list[tuple[Any, dict[str, Any]]]) -> dict[str, int]:
    from metroscope.accountability.ledger import analytics as money
    from metroscope.accountability.ledger.models import (
        BudgetLine,
        Expense,
        FundingSource,
        MembershipFee,
    )
    from metroscope.members.models import Member

    categories, category_w = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    budgets = []
    for activity, extra in pairs:
        for category in sorted(rng.sample(categories, k=rng.randint(2, 4))):
            budgets.append(
                BudgetLine(
                    activity_id=activity.pk,
                    year=extra["year"],
                    category=category,
                    amount_eur=Decimal(rng.randrange(1_000, 60_000, 50)),
                    illustrative=True,
                )
            )
    _bulk(BudgetLine, budgets)
    say(f"  {len(budgets):,} budget lines")
    rates = {(c, y, m): _rate(rng, c) for c in CURRENCIES for y in YEARS for m in range(1, 13)}
    # a few activities (congresses) have thousands of expense lines, most a few dozen
    weights = [rng.lognormvariate(0, 1.1) for _ in pairs]
    per_activity = _spread(EXPENSES, weights)
    currencies = list(CURRENCIES)
    made = 0
    batch: list[Any] = []
    for (activity, extra), n in zip(pairs, per_activity, strict=True):
        for _ in range(n):
            made += 1
            day = activity.start_date + dt.timedelta(days=rng.randrange(-40, 40))
            day = min(max(day, dt.date(extra["year"], 1, 1)), dt.date(extra["year"], 12, 31))
            currency = rng.choices(currencies, CURRENCY_WEIGHTS)[0]
            rate = rates[(currency, day.year, day.month)]
            eur = Decimal(rng.randrange(500, 2_500_000)) / 100
            amount = (eur / rate).quantize(Decimal("0.01"))
            batch.append(
                Expense(
                    activity_id=activity.pk,
                    date=day,
                    amount=amount,
                    currency=currency,
                    rate_to_eur=rate,
                    amount_eur=money.to_eur(amount, rate),
                    category=rng.choices(categories, category_w)[0],
                    supplier=f"Supplier {rng.randint(1, 400):03d}{TAGGED}",
                    document_reference=f"SYN-{made:07d}",
                    illustrative=True,
                )
            )
        if len(batch) >= 20_000:
            _bulk(Expense, batch)
            batch = []
            say(f"  {made:,} / {EXPENSES:,} expenses")
    _bulk(Expense, batch)
    say(f"  {made:,} expenses")
    fees = []
    for pk in Member.objects.order_by("pk").values_list("pk", flat=True):
        due = Decimal(rng.choice([2_500, 5_000, 10_000, 20_000]))
        for year in YEARS:
            paid = due if rng.random() < 0.8 else rng.choice([Decimal(0), due / 2])
            on = dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) if paid else None
            fees.append(
                MembershipFee(
                    member_id=pk,
                    year=year,
                    due_eur=due,
                    paid_eur=paid,
                    paid_on=on,
                    illustrative=True,
                )
            )
    _bulk(MembershipFee, fees)
    funding = []
    for year in YEARS:
        paid = sum((f.paid_eur for f in fees if f.year == year), Decimal(0))
        funding.append(
            FundingSource(
                year=year, kind="membership_fees", amount_eur=paid, note=LABEL, illustrative=True
            )
        )
        for p in rng.sample(range(1, 31), k=rng.randint(4, 9)):
            funding.append(
                FundingSource(
                    year=year,
                    kind="partner",
                    partner_name=f"Partner {p:02d}{TAGGED}",
                    amount_eur=Decimal(rng.randrange(20_000, 400_000, 1000)),
                    note=LABEL,
                    illustrative=True,
                )
            )
        for kind in ("host_city", "in_kind"):
            funding.append(
                FundingSource(
                    year=year,
                    kind=kind,
                    note=LABEL,
                    illustrative=True,
                    amount_eur=Decimal(rng.randrange(50_000, 600_000, 1000)),
                )
            )
    _bulk(FundingSource, funding)
    return {
        "budget_lines": len(budgets),
        "expenses": made,
        "fees": len(fees),
        "funding_sources": len(funding),
    }


GENDERS = ["female", "male", "another", "not_stated"]
GENDER_W = [45, 47, 1, 7]
ROLES = [
    "political",
    "manager",
    "technical",
    "expert",
    "civil_society",
    "private_sector",
    "partner_organisation",
    "secretariat",
    "other",
]


def _people(
    rng: random.Random, pairs: list[tuple[Any, dict[str, Any]]], members: list[Any]
) -> dict[str, int]:
    from metroscope.accountability.people.models import (
        Panel,
        Participant,
        ParticipantCount,
        Speaker,
    )

    counts, persons, panels, speakers = [], [], [], []
    for activity, extra in pairs:
        way = rng.random()
        if way < 0.6:  # aggregated counts: gender × a few role categories
            for role in rng.sample(ROLES, k=rng.randint(2, 4)):
                member = extra["members"][0] if role == "political" else None
                for gender, w in zip(GENDERS, GENDER_W, strict=True):
                    counts.append(
                        ParticipantCount(
                            activity_id=activity.pk,
                            gender=gender,
                            role_category=role,
                            member_id=member,
                            count=max(0, round(rng.gauss(15, 8) * w / 45)),
                            illustrative=True,
                        )
                    )
        elif way < 0.8:  # person by person
            for n in range(rng.randint(5, 60)):
                member = rng.choice(extra["members"] + [None])
                persons.append(
                    Participant(
                        activity_id=activity.pk,
                        name=f"Person {n + 1}{TAGGED}",
                        gender=rng.choices(GENDERS, GENDER_W)[0],
                        role_category=rng.choice(ROLES),
                        member_id=member,
                        illustrative=True,
                    )
                )
        if extra["kind"] in WITH_PANELS:
            for n in range(rng.randint(1, 3)):
                panels.append(
                    (
                        activity.pk,
                        Panel(
                            activity_id=activity.pk,
                            title=f"Panel {n + 1}{TAGGED}",
                            illustrative=True,
                        ),
                    )
                )
    _bulk(ParticipantCount, counts)
    _bulk(Participant, persons)
    made = _bulk(Panel, [p for _, p in panels])
    for panel in made:
        for n in range(rng.randint(2, 5)):
            speakers.append(
                Speaker(
                    activity_id=panel.activity_id,
                    panel_id=panel.pk,
                    name=f"Speaker {n + 1}{TAGGED}",
                    gender=rng.choices(GENDERS, GENDER_W)[0],
                    role_category=rng.choice(ROLES),
                    illustrative=True,
                )
            )
    _bulk(Speaker, speakers)
    say(
        f"  {len(counts):,} participant counts, {len(persons):,} participants by name, "
        f"{len(made):,} panels, {len(speakers):,} speakers"
    )
    return {
        "participant_counts": len(counts),
        "participants": len(persons),
        "panels": len(made),
        "speakers": len(speakers),
    }


def _trips(
    rng: random.Random, pairs: list[tuple[Any, dict[str, Any]]], members: list[Any]
) -> dict[str, int]:
    from metroscope.accountability.carbon import analytics as carbon
    from metroscope.accountability.carbon.models import Trip

    trips = []
    for activity, extra in pairs:
        if activity.mode == "online":
            continue
        host = extra["host"]
        for origin in rng.sample(members, k=rng.randint(1, 6)):
            if origin[0] == host[0]:
                continue
            km = carbon.haversine_km(origin[2], origin[3], host[2], host[3])
            mode = "rail" if km < 700 else "air"
            cabin = "" if mode == "rail" else ("business" if rng.random() < 0.05 else "economy")
            trips.append(
                Trip(
                    activity_id=activity.pk,
                    origin=origin[1],
                    origin_latitude=origin[2],
                    origin_longitude=origin[3],
                    destination=host[1],
                    destination_latitude=host[2],
                    destination_longitude=host[3],
                    mode=mode,
                    cabin_class=cabin,
                    passengers=rng.randint(1, 4),
                    round_trip=rng.random() < 0.9,
                    illustrative=True,
                )
            )
    _bulk(Trip, trips)
    say(f"  {len(trips):,} trips")
    return {"trips": len(trips)}


def _results(
    rng: random.Random, pairs: list[tuple[Any, dict[str, Any]]], outcomes: list[int]
) -> dict[str, int]:
    from metroscope.accountability.activities.models import ResultIndicator, ResultPeriod

    indicators, plans = [], []
    for pk in outcomes:
        indicators.append(
            ResultIndicator(
                outcome_id=pk, title=f"Outcome indicator{TAGGED}", description=LABEL, measure="1"
            )
        )
        plans.append([2021, 2022, 2023])
    for activity, extra in pairs:
        if rng.random() < 0.1:
            indicators.append(
                ResultIndicator(
                    activity_id=activity.pk, measure="1", title=f"People reached{TAGGED}"
                )
            )
            plans.append([extra["year"]])
    made = _bulk(ResultIndicator, indicators)
    periods = []
    for indicator, years in zip(made, plans, strict=True):
        for year in years:
            target = float(rng.randrange(10, 500))
            periods.append(
                ResultPeriod(
                    indicator_id=indicator.pk,
                    year=year,
                    baseline=0.0,
                    target=target,
                    actual=None if rng.random() < 0.2 else round(target * rng.uniform(0.3, 1.3)),
                )
            )
    _bulk(ResultPeriod, periods)
    return {"indicators": len(made), "result_periods": len(periods)}


def _registers(
    rng: random.Random, activities: list[Any], outcomes: list[int], users: list[Any]
) -> dict[str, int]:
    from metroscope.accountability.risks.models import (
        PolicyAcknowledgement,
        PolicyDocument,
        PolicyVersion,
        Risk,
    )

    categories = [
        "strategic",
        "financial",
        "operational",
        "compliance",
        "reputational",
        "people",
        "data",
    ]
    statuses, status_w = ["open", "mitigating", "accepted", "closed"], [40, 30, 10, 20]
    risks = _bulk(
        Risk,
        [
            Risk(
                title=f"Risk {n:03d} to {rng.choice(TOPICS)}{TAGGED}",
                description=LABEL,
                category=rng.choice(categories),
                likelihood=rng.randint(1, 5),
                impact=rng.randint(1, 5),
                owner=f"Owner {rng.randint(1, 30):02d}{TAGGED}",
                mitigation=f"Mitigation plan {n:03d}{TAGGED}" if rng.random() < 0.8 else "",
                status=rng.choices(statuses, status_w)[0],
                review_on=dt.date(2026, rng.randint(1, 12), rng.randint(1, 28)),
                illustrative=True,
            )
            for n in range(1, RISKS + 1)
        ],
    )
    _bulk(
        Risk.activities.through,
        [
            Risk.activities.through(risk_id=r.pk, activity_id=a.pk)
            for r in risks
            for a in rng.sample(activities, k=rng.choice([0, 1, 1, 2, 3]))
        ],
    )
    _bulk(
        Risk.outcomes.through,
        [
            Risk.outcomes.through(risk_id=r.pk, outcome_id=o)
            for r in risks
            for o in rng.sample(outcomes, k=rng.choice([0, 1, 2]))
        ],
    )
    acks = []
    versions = 0
    for code, title, kind in [
        ("synthetic-ethics", "Code of ethics", "code_of_ethics"),
        ("synthetic-compliance", "Anti-fraud policy", "compliance"),
        ("synthetic-data", "Data protection policy", "other"),
    ]:
        document = PolicyDocument.objects.create(code=code, title=f"{title}{TAGGED}", kind=kind)
        for v in range(1, 4):
            version = PolicyVersion.objects.create(
                document=document,
                version=f"{v}.0",
                effective_on=dt.date(2019 + 2 * v, 1, 1),
                summary=LABEL,
            )
            versions += 1
            for user in users:
                if rng.random() < 0.8:
                    at = datetime(2019 + 2 * v, rng.randint(1, 12), rng.randint(1, 28), tzinfo=UTC)
                    acks.append(
                        PolicyAcknowledgement(version=version, user=user, acknowledged_at=at)
                    )
    _bulk(PolicyAcknowledgement, acks)
    return {"risks": len(risks), "policy_versions": versions, "acknowledgements": len(acks)}


# --- one database, in its own process -------------------------------------------------------------


def _marker(database: str) -> Path:
    return BENCH_DIR / f"accountability-bench-{database}.json"


def _recreate(database: str) -> None:
    recreate(database, marker=_marker(database), sqlite_file=SQLITE_FILE, pg_database=PG_DATABASE)


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _build(database: str) -> dict[str, Any]:
    from django.core.management import call_command

    build: dict[str, Any] = {"generator": GENERATOR_VERSION}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_open_data", verbosity=0)
    build["migrate_and_open_data_s"] = round(time.perf_counter() - started, 1)
    say(f"migrated and loaded the open data in {build['migrate_and_open_data_s']:,.0f} s")
    started = time.perf_counter()
    build["rows"] = generate()
    build["generate_s"] = round(time.perf_counter() - started, 1)
    say(f"made the synthetic rows in {build['generate_s']:,.0f} s")
    _analyze()
    _marker(database).write_text(json.dumps(build))
    return build


# --- measuring ------------------------------------------------------------------------------------


def _percentiles(samples: list[float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in percentiles(samples).items()}


def pages() -> list[tuple[str, str]]:
    """(name, URL) of every page measured, for the data of this database."""
    from django.db.models import Count

    from metroscope.accountability.activities.models import Activity

    busiest = (
        Activity.objects.annotate(n=Count("expenses"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
    )[0]
    return [
        ("progress", "/plan/progress/"),
        ("work plans", "/plan/work-plans/"),
        ("work plan 2022", f"/plan/work-plans/{REPORT_YEAR}/"),
        ("activities", "/plan/activities/"),
        ("activities, filtered", f"/plan/activities/?year={REPORT_YEAR}&type=event&theme=T-SUS"),
        ("activity (most expenses)", f"/plan/activities/{busiest}/"),
        ("money", "/plan/money/"),
        ("money 2022", f"/plan/money/?year={REPORT_YEAR}"),
        ("carbon", "/plan/carbon/"),
        ("carbon 2022", f"/plan/carbon/?year={REPORT_YEAR}"),
        ("people", "/plan/people/"),
        ("people 2022", f"/plan/people/?year={REPORT_YEAR}"),
        ("risks", "/plan/risks/"),
        ("matrix", "/plan/matrix/"),
        ("matrix 2022", f"/plan/matrix/?year={REPORT_YEAR}"),
        ("engagement", "/plan/engagement/"),
        ("report page", "/plan/report/"),
        ("API work plans", "/api/v1/workplans"),
        ("API activities", f"/api/v1/activities?year={REPORT_YEAR}"),
        ("API activity", f"/api/v1/activities/{busiest}"),
        ("API money", "/api/v1/plan/money"),
        ("API carbon", "/api/v1/plan/carbon"),
        ("API people", "/api/v1/plan/people"),
        ("API risks", "/api/v1/plan/risks"),
    ]


def _touch() -> None:
    """A write the accounts' readers must see: one synthetic risk's review date moves."""
    from metroscope.accountability.risks.models import Risk

    risk = Risk.objects.filter(illustrative=True).order_by("pk").first()
    assert risk is not None
    Risk.objects.filter(pk=risk.pk).update(review_on=risk.review_on + dt.timedelta(days=1))


def _measure_pages(rounds: int, cold_rounds: int, only: str, skip: str) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_USER))
    out: dict[str, Any] = {}
    for name, url in pages():
        if only and not any(part in name for part in only.split(",")):
            continue
        if skip and name in skip.split(","):
            continue

        def get(url: str = url) -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        warm = time_rounds(get, rounds)
        queries: list[str] = []

        def count(execute: Any, sql: str, *rest: Any, queries: list[str] = queries) -> Any:
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            size = len(get().content)
        cold = []
        for _ in range(cold_rounds):
            _touch()
            started = time.perf_counter()
            get()
            cold.append((time.perf_counter() - started) * 1000)
        out[name] = {
            "url": url,
            "queries": len(queries),
            "bytes": size,
            **_percentiles(warm),
            "after_write_ms": round(max(cold), 1) if cold else None,
        }
        say(
            f"  {name:<26} p50 {out[name]['p50']:8.1f} ms  p95 {out[name]['p95']:8.1f} ms  "
            f"{len(queries):3d} queries  after a write {out[name]['after_write_ms']} ms"
        )
    return out


def _baselines(rounds: int) -> dict[str, Any]:
    """The money page's budget-against-actual by action line three ways (a naive loop with two
    aggregate queries per activity; Python sums over every row; ours), the people totals and the
    risk heat map by Python over every row. Ours is timed twice: as the first request after a
    write computes it (the per-process figures emptied before each call), and as the process
    keeps it (what every later request costs)."""
    from collections import defaultdict

    from django.db.models import Sum

    from metroscope.accountability import version as ledger_version
    from metroscope.accountability.activities.models import Activity
    from metroscope.accountability.ledger import selectors as accounts
    from metroscope.accountability.ledger.models import BudgetLine, Expense
    from metroscope.accountability.people import selectors as people_selectors
    from metroscope.accountability.people.models import Participant, ParticipantCount
    from metroscope.accountability.risks import selectors as risk_selectors
    from metroscope.accountability.risks.models import Risk

    def naive_loop() -> dict[str, tuple[Decimal, Decimal]]:
        places = accounts.activity_places()
        out: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for activity in Activity.objects.all():
            line = places.get(activity.pk, ("—", "—"))[0] or "—"
            budget = activity.budget_lines.aggregate(t=Sum("amount_eur"))["t"] or Decimal(0)
            spent = activity.expenses.aggregate(t=Sum("amount_eur"))["t"] or Decimal(0)
            # SQLite's SUM adds the decimals as floats (9475620.08999999): back to cents
            out[line][0] += budget.quantize(CENT)
            out[line][1] += spent.quantize(CENT)
        return {k: (v[0], v[1]) for k, v in out.items()}

    def python_sums() -> dict[str, tuple[Decimal, Decimal]]:
        places = accounts.activity_places()
        out: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for pk, amount in BudgetLine.objects.values_list("activity_id", "amount_eur"):
            out[places.get(pk, ("—", "—"))[0] or "—"][0] += amount
        for pk, amount in Expense.objects.values_list("activity_id", "amount_eur"):
            out[places.get(pk, ("—", "—"))[0] or "—"][1] += amount
        return {k: (v[0], v[1]) for k, v in out.items()}

    def ours() -> dict[str, tuple[Decimal, Decimal]]:
        return {
            r.key: (r.budget_eur, r.actual_eur) for r in accounts.money_overview(year=None).by_line
        }

    def people_every_row() -> dict[str, int]:
        """The people page's figures from every row, not grouped in SQL (as before)."""
        grouped = people_selectors._own_participants

        def every_row() -> list[Any]:
            year = "activity__work_plan__year"
            keys = ("activity_id", year, "gender", "role_category", "member_id")
            rows = list(ParticipantCount.objects.values_list(*keys, "count", "illustrative"))
            rows += [(*r, 1, f) for *r, f in Participant.objects.values_list(*keys, "illustrative")]
            return rows

        people_selectors._own_participants = every_row  # type: ignore[assignment]
        try:
            return computed(people_ours)()
        finally:
            people_selectors._own_participants = grouped  # type: ignore[assignment]

    def people_ours() -> dict[str, int]:
        return dict(people_selectors.people_overview(year=None).participants.counts)

    def heat_python() -> dict[tuple[int, int], int]:
        out: dict[tuple[int, int], int] = defaultdict(int)
        for risk in Risk.objects.prefetch_related("activities", "outcomes"):
            if risk.status != "closed":
                out[(risk.likelihood, risk.impact)] += 1
        return dict(out)

    def heat_ours() -> dict[tuple[int, int], int]:
        cells = risk_selectors.risk_overview().cells
        return {(c.likelihood, c.impact): c.count for c in cells if c.count}

    def computed(figures: Callable[[], Any]) -> Callable[[], Any]:
        """As the first request after a write: the per-process figures emptied first."""

        def call() -> Any:
            ledger_version.clear()
            return figures()

        return call

    results: dict[str, Any] = {}
    for name, baseline, mine, n in [
        ("money by action line: naive loop, 2 aggregates per activity", naive_loop, ours, 1),
        ("money by action line: Python sums over all rows", python_sums, ours, 3),
        ("people page figures: every row, summed in Python", people_every_row, people_ours, 3),
        ("risk heat map: Python over all risks, prefetched", heat_python, heat_ours, 3),
    ]:
        same = baseline() == computed(mine)()
        a = time_rounds(baseline, n)
        b = time_rounds(computed(mine), 3)
        c = time_rounds(mine, rounds)
        base, fresh, kept = (statistics.median(x) for x in (a, b, c))
        results[name] = {
            "baseline_ms": round(base, 1),
            "computed_ms": round(fresh, 1),
            "kept_ms": round(kept, 2),
            "ratio_computed": round(base / fresh, 1),
            "ratio_kept": round(base / kept, 0),
            "same_figures": same,
        }
        say(f"  {name}: {results[name]}")
    return results


def _pdf(args: list[str]) -> dict[str, Any]:
    """`metroscope board_report …` in a subprocess: wall time and its maximum RSS."""
    out = BENCH_DIR / f"board-report-{os.getpid()}.pdf"
    command = [
        str(Path(sys.executable).parent / "metroscope"),
        "board_report",
        *args,
        "--lang",
        "en",
        "--out",
        str(out),
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    output = process.stdout.read().decode() if process.stdout else ""
    if status != 0:
        raise RuntimeError(f"board_report failed: {output}")
    from pypdf import PdfReader

    pages = len(PdfReader(out).pages)
    size = out.stat().st_size
    out.unlink()
    # ru_maxrss is in kilobytes on Linux
    return {
        "seconds": round(seconds, 1),
        "max_rss_mb": round(usage.ru_maxrss / 1024, 0),
        "bytes": size,
        "pages": pages,
    }


def run_worker(database: str, args: argparse.Namespace) -> dict[str, Any]:
    tag(database)
    started_at = os.getloadavg()
    say(f"load average at start: {started_at[0]:.2f} {started_at[1]:.2f} {started_at[2]:.2f}")
    marker = _marker(database)
    reuse = False
    if args.reuse and marker.exists():
        reuse = json.loads(marker.read_text()).get("generator") == GENERATOR_VERSION
    if not reuse:
        _recreate(database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from metroscope.accountability.activities.models import Activity
    from metroscope.accountability.ledger.models import Expense

    if reuse:
        build = json.loads(marker.read_text())
        call_command("migrate", verbosity=0, interactive=False)  # the code may be newer
        _analyze()
    else:
        build = _build(database)
    setup_test_environment()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        server = str(cursor.fetchone()[0])
    result: dict[str, Any] = {
        "database": database,
        "server": server,
        "activities": Activity.objects.count(),
        "expenses": Expense.objects.count(),
        "synthetic_activities": Activity.objects.filter(illustrative=True).count(),
        "build": build,
        "reused": reuse,
        "load_average_at_start": started_at,
    }
    say(f"measuring {len(pages())} pages × {args.rounds} rounds")
    result["pages"] = _measure_pages(args.rounds, args.cold_rounds, args.pages, args.skip)
    result["baselines"] = {}
    if not args.no_baselines:
        say("baselines")
        result["baselines"] = _baselines(args.rounds)
    if not args.no_pdf:
        result["pdf"] = {}
        for label, pdf_args in [
            (str(REPORT_YEAR), ["--year", str(REPORT_YEAR)]),
            (MANDATE, ["--mandate", MANDATE]),
        ]:
            result["pdf"][label] = _pdf(pdf_args)
            say(f"  board report {label}: {result['pdf'][label]}")
    result["load_average_at_end"] = os.getloadavg()
    end = result["load_average_at_end"]
    say(f"load average at end: {end[0]:.2f} {end[1]:.2f} {end[2]:.2f}")
    return result


# --- the parent: one process per database, the table ----------------------------------------------


def _table(results: dict[str, dict[str, Any]]) -> tuple[list[str], dict[str, bool]]:
    dbs = list(results)
    verdict: dict[str, bool] = {}
    head = " | ".join(f"{d} p50 / p95 (queries; after a write)" for d in dbs)
    lines = [f"| page | {head} | floor |", "|---|" + "---|" * len(dbs) + "---|"]
    first = results[dbs[0]]["pages"]
    for name in first:
        cells = []
        for d in dbs:
            p = results[d]["pages"][name]
            verdict[f"{d} {name} p95"] = p["p95"] < FLOORS["p95_ms"]
            after = "—" if p["after_write_ms"] is None else f"{p['after_write_ms']:.0f} ms"
            cells.append(f"{p['p50']:.0f} / {p['p95']:.0f} ms ({p['queries']}; {after})")
        lines.append(f"| `{first[name]['url']}` | " + " | ".join(cells) + " | p95 < 150 ms |")
    lines += [
        "",
        "| baseline | "
        + " | ".join(
            f"{d}: baseline / ours computed / ours kept (baseline ÷ computed)" for d in dbs
        )
        + " |",
    ]
    lines.append("|---|" + "---|" * len(dbs))
    for name in results[dbs[0]]["baselines"]:
        cells = []
        for d in dbs:
            b = results[d]["baselines"][name]
            same = "" if b["same_figures"] else " DIFFERENT FIGURES"
            cells.append(
                f"{b['baseline_ms']:,.0f} / {b['computed_ms']:,.0f} / {b['kept_ms']:,.2f} ms "
                f"({b['ratio_computed']:,.1f}×){same}"
            )
            verdict[f"{d} {name}: same figures"] = b["same_figures"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if all("pdf" in results[d] for d in dbs):
        lines += ["", "| Board report PDF | " + " | ".join(dbs) + " | floor |"]
        lines.append("|---|" + "---|" * len(dbs) + "---|")
        for label in results[dbs[0]]["pdf"]:
            cells = []
            for d in dbs:
                p = results[d]["pdf"][label]
                verdict[f"{d} PDF {label} time"] = p["seconds"] <= FLOORS["pdf_s"]
                verdict[f"{d} PDF {label} memory"] = p["max_rss_mb"] <= FLOORS["pdf_mb"]
                cells.append(f"{p['seconds']:.1f} s, {p['max_rss_mb']:.0f} MB, {p['pages']} pages")
            lines.append(f"| {label} | " + " | ".join(cells) + " | ≤ 20 s, ≤ 1 GB |")
    return lines, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--cold-rounds", type=int, default=2, help="requests after a write")
    parser.add_argument("--reuse", action="store_true", help="keep a bench database made before")
    parser.add_argument("--no-pdf", action="store_true", help="skip the Board report PDFs")
    parser.add_argument("--no-baselines", action="store_true", help="skip the baselines")
    parser.add_argument("--pages", default="", help="only pages whose name contains one of these")
    parser.add_argument("--skip", default="", help="pages not to measure (names, comma-separated)")
    parser.add_argument(
        "--pg-database", default=PG_DATABASE, help="PostgreSQL database to (re)create and use"
    )
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.result.write_text(json.dumps(run_worker(args.worker, args), indent=2))
        return
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
    started = time.perf_counter()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = {}
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for database in databases:
        out = BENCH_DIR / f"accountability-{database}-partial.json"
        url = DATABASE_URLS[database].replace(f"/{PG_DATABASE}", f"/{args.pg_database}")
        env = os.environ | {
            "ACCT_BENCH_PG_DATABASE": args.pg_database,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "metroscope.settings",
            "METROSCOPE_CONN_MAX_AGE": "0",
            "METROSCOPE_ALLOWED_HOSTS": "testserver",
        }
        command = [sys.executable, __file__, "--worker", database, "--result", str(out)]
        command += ["--rounds", str(args.rounds), "--cold-rounds", str(args.cold_rounds)]
        command += ["--reuse"] * args.reuse + ["--no-pdf"] * args.no_pdf
        command += ["--no-baselines"] * args.no_baselines + ["--pages", args.pages]
        command += ["--skip", args.skip]
        subprocess.run(command, check=True, env=env)  # noqa: S603
        results[database] = json.loads(out.read_text())
        out.unlink()
    lines, verdict = _table(results)
    end = os.getloadavg()
    print(
        "\n".join(
            [
                "",
                f"SYNTHETIC accounts; {os.cpu_count()} CPUs; Python {platform.python_version()}; "
                f"load average {load[0]:.2f} at start, {end[0]:.2f} at end; "
                f"{time.perf_counter() - started:,.0f} s",
                *lines,
            ]
        )
    )
    finish(
        RESULTS,
        verdict,
        {
            "synthetic": True,
            "note": "Accounts made by bench/accountability.py from a seed; not real data.",
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "load_average": {"start": load, "end": end},
            "results": results,
        },
    )


if __name__ == "__main__":
    main()
