"""ILLUSTRATIVE accounts for the real activities: budgets, expenses, funding, fees and trips
(and, in sample_registers.py, participants, speakers, panels and risks) made up from a fixed
seed so that the pages can be seen working. Every row carries `illustrative=True`; none of it
is Metropolis's accounts. `make run` never loads them: only `metroscope load_sample_accounts`
does, and `--remove` deletes them."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from metroscope.accountability.activities.models import Activity, Mode
from metroscope.accountability.carbon import analytics as carbon
from metroscope.accountability.carbon.models import CabinClass, TravelMode, Trip
from metroscope.accountability.ledger import analytics as money
from metroscope.accountability.ledger.models import (
    BudgetLine,
    Expense,
    FundingKind,
    FundingSource,
    MembershipFee,
    RateOrigin,
    SpendCategory,
)
from metroscope.accountability.risks import sample as sample_registers
from metroscope.core.loading import LoadReport, sync
from metroscope.members.models import Member

SEED = "metroscope-sample-accounts-1"
SECRETARIAT = "barcelona-city"  # the Secretariat General sits in Barcelona
# Made-up rates for the sample (EUR per unit); real expenses record the rate of their date.
RATES = {"EUR": Decimal("1"), "USD": Decimal("0.92"), "KRW": Decimal("0.00069"),
         "CNY": Decimal("0.127"), "ZAR": Decimal("0.05")}  # fmt: skip
RATE_SOURCE = "Made-up rate of the illustrative sample accounts"  # as migration 0006 marks them
FEE_YEARS = (2021, 2022, 2023)
RAIL_MAX_KM = 700.0
MODELS = (BudgetLine, Expense, FundingSource, MembershipFee, Trip, *sample_registers.MODELS)


def _rng(*parts: object) -> random.Random:
    """One generator per row group, so a row does not depend on the order of the others."""
    return random.Random("|".join([SEED, *map(str, parts)]))  # noqa: S311 (sample data)


def _eur(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high, 50))


@transaction.atomic
def sample_accounts_load() -> LoadReport:
    """Create or update the illustrative rows; a second run changes nothing."""
    report = LoadReport()
    activities = list(
        Activity.objects.select_related("work_plan").prefetch_related("members").order_by("pk")
    )
    for activity in activities:
        _budget_and_expenses(activity, report)
        _trips(activity, report)
    _fees(report)
    _funding(report)
    sample_registers.sample_registers_load(report)
    return report


@transaction.atomic
def sample_accounts_remove() -> int:
    """Delete every illustrative row; returns how many went."""
    removed = 0
    for model in MODELS:
        removed += model._default_manager.filter(illustrative=True).delete()[0]
    return removed


def sample_accounts_exist() -> bool:
    return any(m._default_manager.filter(illustrative=True).exists() for m in MODELS)


def _budget_and_expenses(activity: Activity, report: LoadReport) -> None:
    rng = _rng("budget", activity.code)
    year = activity.work_plan.year
    categories = rng.sample(list(SpendCategory.values), k=rng.randint(2, 3))
    for category in sorted(categories):
        budget = _eur(rng, 2_000, 40_000)
        sync(
            BudgetLine,
            report,
            lookup={"activity": activity, "year": year, "category": category},
            values={"amount_eur": budget, "illustrative": True},
        )
        currency = rng.choice(sorted(RATES))
        rate = RATES[currency]
        spent_eur = budget * Decimal(rng.randint(60, 125)) / 100
        amount = (spent_eur / rate).quantize(Decimal("1"))
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        sync(
            Expense,
            report,
            lookup={"document_reference": f"ILL-{activity.pk}-{category}", "illustrative": True},
            values={
                "activity": activity,
                "date": day,
                "amount": amount,
                "currency": currency,
                "rate_to_eur": rate,
                "rate_origin": RateOrigin.EUR if currency == "EUR" else RateOrigin.RECORDED,
                "rate_date": day,
                "rate_source": "" if currency == "EUR" else RATE_SOURCE,
                "amount_eur": money.to_eur(amount, rate),
                "category": category,
                "supplier": f"Supplier {rng.randint(1, 40):02d} (illustrative)",
            },
        )


def _trips(activity: Activity, report: LoadReport) -> None:
    if activity.mode not in (Mode.IN_PERSON, Mode.HYBRID):
        return
    hosts = [m for m in activity.members.all() if m.latitude is not None]
    if not hosts:
        return
    host = hosts[0]
    rng = _rng("trips", activity.code)
    delegations = list(
        Member.objects.exclude(pk=host.pk).order_by("code").values_list("code", flat=True)
    )
    origins = [SECRETARIAT, *rng.sample(delegations, k=rng.randint(2, 5))]
    for code in dict.fromkeys(origins):
        origin = Member.objects.get(code=code)
        if origin.pk == host.pk:
            continue
        km = carbon.haversine_km(origin.latitude, origin.longitude, host.latitude, host.longitude)
        mode = TravelMode.RAIL if km < RAIL_MAX_KM else TravelMode.AIR
        sync(
            Trip,
            report,
            lookup={"activity": activity, "origin": origin.name, "illustrative": True},
            values={
                "origin_latitude": origin.latitude,
                "origin_longitude": origin.longitude,
                "destination": host.name,
                "destination_latitude": host.latitude,
                "destination_longitude": host.longitude,
                "mode": mode,
                "cabin_class": CabinClass.ECONOMY if mode == TravelMode.AIR else "",
                "passengers": 2 if code == SECRETARIAT else rng.randint(1, 3),
                "round_trip": True,
            },
        )


def _fees(report: LoadReport) -> None:
    real = set(MembershipFee.objects.filter(illustrative=False).values_list("member_id", "year"))
    for member in Member.objects.order_by("code"):
        rng = _rng("fee", member.code)
        due = Decimal(rng.choice([2_500, 5_000, 10_000, 20_000]))
        for year in FEE_YEARS:
            if (member.pk, year) in real:
                continue
            paid = due if rng.random() < 0.8 else rng.choice([Decimal(0), due / 2])
            sync(
                MembershipFee,
                report,
                lookup={"member": member, "year": year},
                values={
                    "due_eur": due,
                    "paid_eur": paid,
                    "paid_on": dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                    if paid
                    else None,
                    "illustrative": True,
                },
            )


def _funding(report: LoadReport) -> None:
    years = sorted(set(Activity.objects.values_list("work_plan__year", flat=True)))
    fees = {
        year: sum(
            MembershipFee.objects.filter(year=year).values_list("paid_eur", flat=True), Decimal(0)
        )
        for year in years
    }
    for year in years:
        rng = _rng("funding", year)
        rows = [
            (FundingKind.FEES, "", fees.get(year) or _eur(rng, 900_000, 1_200_000)),
            (FundingKind.PARTNER, "Partner A (illustrative)", _eur(rng, 50_000, 250_000)),
            (FundingKind.PARTNER, "Partner B (illustrative)", _eur(rng, 20_000, 120_000)),
            (FundingKind.HOST_CITY, "", _eur(rng, 100_000, 400_000)),
            (FundingKind.IN_KIND, "", _eur(rng, 10_000, 80_000)),
        ]
        for kind, partner, amount in rows:
            sync(
                FundingSource,
                report,
                lookup={"year": year, "kind": kind, "partner_name": partner, "illustrative": True},
                values={"amount_eur": amount},
            )
