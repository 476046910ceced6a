"""Matching a member's needs to the peers who solved them.

For a need (themes, challenges, linked indicators) — or for an indicator on which a metro
lags its peers — the published solutions of *other* members are scored:

- each plan theme and each plan challenge shared with the need counts 1;
- each linked indicator on which the solution's metro does better than the need's metro
  (latest published values, the indicator's direction) counts 2, and such solutions come
  first, since the issue asks for "peers that do better on the linked indicator first".
  Like against like: both values must be of the same scale, and national proxies (a
  country's figure copied onto its metros) never count, since a national gap says nothing
  about what a peer city did.

Every suggestion carries its reasons in words, the members behind it and, for signed-in
members only, its contact person. Scores and reasons are computed by `score()`, a pure
function; the ORM work stays in `suggest_for_need` and `suggest_for_lagging`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from metroscope.exchange.models import Need, Solution, SolutionStatus
from metroscope.members.models import Member
from metroscope.observatory import figures, panel
from metroscope.observatory.models import Indicator, Metro, Scale

BETTER_WEIGHT = 2
LAGGING_BELOW = 50.0  # "better than" fewer than half of the peers


@dataclass(frozen=True)
class Standing:
    """A metro's latest published value of an indicator, and the scale it describes."""

    value: float
    year: int
    scale: str = Scale.METRO.value


@dataclass(frozen=True)
class Comparison:
    indicator: Indicator
    theirs: Standing
    ours: Standing | None


@dataclass
class Suggestion:
    solution: Solution
    score: int
    reasons: list[str] = field(default_factory=list)
    better: list[Comparison] = field(default_factory=list)


def does_better(direction: str, theirs: float, ours: float) -> bool | None:
    """None where the indicator has no better direction."""
    if direction == "higher_better":
        return theirs > ours
    if direction == "lower_better":
        return theirs < ours
    return None


def comparable(theirs: Standing, ours: Standing) -> bool:
    """Two values may be compared: the same scale, and not a national proxy."""
    return theirs.scale == ours.scale != Scale.NATIONAL_PROXY


def score(
    *,
    need_themes: set[int],
    need_challenges: set[int],
    themes: dict[int, str],
    challenges: dict[int, str],
    comparisons: Sequence[Comparison],
) -> tuple[int, list[str], list[Comparison]]:
    """Score of one solution against a need, with its reasons. `themes`/`challenges` are
    the solution's (id → name); `comparisons` its metro's standing on the need's indicators
    (only those where both metros have a value)."""
    reasons: list[str] = []
    shared_themes = sorted(themes[t] for t in need_themes & themes.keys())
    shared_challenges = sorted(challenges[c] for c in need_challenges & challenges.keys())
    total = len(shared_themes) + len(shared_challenges)
    if shared_themes:
        reasons.append(_("Same plan themes: %(names)s") % {"names": ", ".join(shared_themes)})
    if shared_challenges:
        reasons.append(
            _("Same plan challenges: %(names)s") % {"names": ", ".join(shared_challenges)}
        )
    better = []
    for comparison in comparisons:
        ours = comparison.ours
        if ours is None or not comparable(comparison.theirs, ours):
            continue
        if does_better(comparison.indicator.direction, comparison.theirs.value, ours.value):
            better.append(comparison)
            total += BETTER_WEIGHT
    return total, reasons, better


def _standings(
    indicators: Iterable[Indicator], version: tuple[int, int] | None = None
) -> dict[int, dict[int, Standing]]:
    """Indicator id → metro id → latest published value that is not a national proxy
    (projections left out)."""
    now = timezone.now().year
    version = version or figures.version()
    found: dict[int, dict[int, Standing]] = {}
    for indicator in indicators:
        data = panel.series(indicator.pk, "total", version)
        standings: dict[int, Standing] = {}
        for scale in data.scales_present():
            if scale == Scale.NATIONAL_PROXY:
                continue
            metros, values, years = data.of_scale(scale).latest_cached(1900, now)
            for m, v, y in zip(metros.tolist(), values.tolist(), years.tolist(), strict=True):
                if m not in standings or standings[m].year < y:
                    standings[m] = Standing(v, y, scale)
        found[indicator.pk] = standings
    return found


def _candidates(exclude_members: set[int]) -> list[Solution]:
    solutions = (
        Solution.objects.filter(status=SolutionStatus.PUBLISHED)
        .select_related("collection", "metro")
        .prefetch_related(
            "themes",
            "challenges",
            Prefetch("members", queryset=Member.objects.order_by("name")),
        )
        .order_by("-published_at", "-pk")
    )
    return [s for s in solutions if not exclude_members & {m.pk for m in s.members.all()}]


def _metro_of(member: Member) -> Metro | None:
    link = member.metro_links.select_related("metro").filter(relation="own").first()
    return link.metro if link else None


def rank(
    solutions: Sequence[Solution],
    *,
    need_themes: set[int],
    need_challenges: set[int],
    indicators: Sequence[Indicator],
    our_metro: Metro | None,
    limit: int,
    version: tuple[int, int] | None = None,
) -> list[Suggestion]:
    standings = _standings(indicators, version)
    suggestions = []
    for solution in solutions:
        comparisons = []
        if solution.metro_id is not None:
            for indicator in indicators:
                theirs = standings[indicator.pk].get(solution.metro_id)
                if theirs is None:
                    continue
                ours = standings[indicator.pk].get(our_metro.pk) if our_metro else None
                comparisons.append(Comparison(indicator, theirs, ours))
        total, reasons, better = score(
            need_themes=need_themes,
            need_challenges=need_challenges,
            themes={t.pk: str(t.name) for t in solution.themes.all()},
            challenges={c.pk: str(c.name) for c in solution.challenges.all()},
            comparisons=comparisons,
        )
        if total == 0:
            continue
        suggestions.append(Suggestion(solution, total, reasons, better))
    # Peers that do better first, then the higher score, then the newest.
    suggestions.sort(key=lambda s: (-len(s.better), -s.score))
    return suggestions[:limit]


def suggest_for_need(need: Need, limit: int = 10) -> list[Suggestion]:
    indicators = list(need.indicators.all())
    return rank(
        _candidates({need.member_id}),
        need_themes={t.pk for t in need.themes.all()},
        need_challenges={c.pk for c in need.challenges.all()},
        indicators=indicators,
        our_metro=_metro_of(need.member),
        limit=limit,
    )


@dataclass
class Lagging:
    indicator: Indicator
    better_than: float
    suggestions: list[Suggestion]


def suggest_for_lagging(
    metro: Metro, profile: Sequence[dict[str, Any]], per_indicator: int = 3
) -> list[Lagging]:
    """For each indicator of a metro's profile where it does better than fewer than half of
    its peers, the solutions from metros that do better on it, on the indicator's plan
    themes and challenges. Only ranked rows count: a national proxy or a value with too few
    peers has no "better than", so no one is said to do better."""
    lagging = [
        row
        for row in profile
        if row.get("better_than") is not None and row["better_than"] < LAGGING_BELOW
    ]
    if not lagging:
        return []
    exclude = set(metro.memberships.filter(relation="own").values_list("member_id", flat=True))
    solutions = _candidates(exclude)
    tagged = Indicator.objects.prefetch_related("plan_themes", "plan_challenges").in_bulk(
        [row["indicator"].pk for row in lagging]
    )
    version = figures.version()
    found = []
    for row in lagging:
        indicator = tagged[row["indicator"].pk]
        ranked = rank(
            solutions,
            need_themes={t.pk for t in indicator.plan_themes.all()},
            need_challenges={c.pk for c in indicator.plan_challenges.all()},
            indicators=[indicator],
            our_metro=metro,
            limit=per_indicator,
            version=version,
        )
        ranked = [s for s in ranked if s.better]  # only peers that do better on it
        if ranked:
            found.append(Lagging(indicator, row["better_than"], ranked))
    return found
