"""Money of the plan, as pure functions: currency conversion, funding mix, concentration and
budget against actual spending. Data in, data out; no ORM."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")

HHI_RULE = (
    "Herfindahl–Hirschman index: the sum of the squared shares of each kind of source, on a "
    "scale from 0 to 1 (1 = a single source; 0.25 = four equal sources)."
)


def to_eur(amount: Decimal, rate_to_eur: Decimal) -> Decimal:
    """An amount in EUR at the rate recorded on the row, rounded to the cent (half to even)."""
    if rate_to_eur <= 0:
        raise ValueError("the rate to EUR must be positive")
    return (amount * rate_to_eur).quantize(CENT, rounding=ROUND_HALF_EVEN)


def shares(amounts: Iterable[Decimal]) -> list[float]:
    """Each amount's share of the total; all zero when the total is zero."""
    values = [Decimal(a) for a in amounts]
    total = sum(values, Decimal(0))
    if total == 0:
        return [0.0 for _ in values]
    return [float(v / total) for v in values]


def largest_share(amounts: Iterable[Decimal]) -> float:
    return max(shares(amounts), default=0.0)


def hhi(amounts: Iterable[Decimal]) -> float:
    """Herfindahl–Hirschman index on the 0–1 scale: Σ shares²."""
    return sum(s * s for s in shares(amounts))


@dataclass(frozen=True)
class MixRow:
    kind: str
    amount_eur: Decimal
    share: float


@dataclass(frozen=True)
class YearMix:
    year: int
    total_eur: Decimal
    rows: list[MixRow]
    largest_share: float
    hhi: float


def funding_mix(records: Iterable[tuple[int, str, Decimal]]) -> list[YearMix]:
    """(year, kind, amount) rows → one mix per year: amount and share by kind, largest share
    and HHI computed over kinds (several partners count as one kind)."""
    by_year: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for year, kind, amount in records:
        by_year[year][kind] += Decimal(amount)
    mixes = []
    for year in sorted(by_year):
        kinds = sorted(by_year[year].items(), key=lambda kv: (-kv[1], kv[0]))
        amounts = [a for _, a in kinds]
        rows = [MixRow(k, a, s) for (k, a), s in zip(kinds, shares(amounts), strict=True)]
        mixes.append(
            YearMix(
                year=year,
                total_eur=sum(amounts, Decimal(0)),
                rows=rows,
                largest_share=largest_share(amounts),
                hhi=hhi(amounts),
            )
        )
    return mixes


@dataclass(frozen=True)
class BudgetRow:
    key: str
    budget_eur: Decimal
    actual_eur: Decimal

    @property
    def variance_eur(self) -> Decimal:
        return self.actual_eur - self.budget_eur

    @property
    def execution(self) -> float | None:
        """Actual as a share of budget; None without a budget."""
        if self.budget_eur == 0:
            return None
        return float(self.actual_eur / self.budget_eur)


def budget_vs_actual(
    budgets: Iterable[tuple[str, Decimal]], actuals: Iterable[tuple[str, Decimal]]
) -> list[BudgetRow]:
    """Sum budgets and actual spending by key (an action line, an axis…), keys in order."""
    budget: dict[str, Decimal] = defaultdict(Decimal)
    actual: dict[str, Decimal] = defaultdict(Decimal)
    for key, amount in budgets:
        budget[key] += Decimal(amount)
    for key, amount in actuals:
        actual[key] += Decimal(amount)
    keys = sorted(set(budget) | set(actual))
    return [BudgetRow(k, budget.get(k, Decimal(0)), actual.get(k, Decimal(0))) for k in keys]


@dataclass(frozen=True)
class FeeTotals:
    members: int
    due_eur: Decimal
    paid_eur: Decimal
    paid_in_full: int

    @property
    def collected(self) -> float | None:
        return float(self.paid_eur / self.due_eur) if self.due_eur else None


def fee_totals(fees: Iterable[tuple[Decimal, Decimal]]) -> FeeTotals:
    """(due, paid) per member → how many members, due, paid, and how many paid in full."""
    rows = list(fees)
    return FeeTotals(
        members=len(rows),
        due_eur=sum((d for d, _ in rows), Decimal(0)),
        paid_eur=sum((p for _, p in rows), Decimal(0)),
        paid_in_full=sum(1 for d, p in rows if p >= d),
    )


def totals_by(records: Iterable[tuple[str, Decimal]]) -> Mapping[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for key, amount in records:
        out[key] += Decimal(amount)
    return dict(out)
