"""Open-data loader of the exchange: its collections and the real solutions of the seed data
(data/exchange/, see data/PROVENANCE.md). A second load changes nothing; a bad row stops the
load with its file, row, column and reason, and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from metroscope.core.loading import LoadError, LoadReport, read_csv, read_yaml, sync
from metroscope.core.text import fold
from metroscope.exchange.models import (
    Collection,
    Language,
    ReviewAction,
    ReviewStep,
    Solution,
    SolutionStatus,
    SolutionTranslation,
    TranslatedBy,
)
from metroscope.members.models import Member
from metroscope.observatory.resolve import MetroResolver, Unresolved
from metroscope.plan.models import Challenge, Theme

DIR = "exchange"
LANGS = ("en", "fr", "es")
COLUMNS = [
    "city",
    "country_iso3",
    "title",
    "year",
    "collection",
    "themes",
    "challenges",
    "sdgs",
    "summary",
    "results",
    "source_url",
]


def load_exchange_data(data_dir: Path, report: LoadReport) -> None:
    folder = data_dir / DIR
    report.step("collections")
    collections = _load_collections(folder / "collections.yaml", report)
    report.step("solutions")
    _load_solutions(folder / "solutions.csv", collections, report)
    report.step("solution translations")
    _load_translations(folder / "solution_translations.csv", report)


def _load_collections(path: Path, report: LoadReport) -> dict[str, Collection]:
    data = read_yaml(path) or {}
    found: dict[str, Collection] = {}
    for order, item in enumerate(data.get("collections") or [], start=1):
        code = str(item.get("code") or "")
        if not code:
            raise LoadError(path, f"collection #{order} has no code")
        values: dict[str, Any] = {"website": item.get("website") or "", "order": order}
        for key in ("name", "description"):
            texts = item.get(key) or {}
            missing = [lang for lang in LANGS if not str(texts.get(lang, "")).strip()]
            if missing:
                raise LoadError(path, f"{code}: {key} lacks {', '.join(missing)}")
            values.update({f"{key}_{lang}": str(texts[lang]).strip() for lang in LANGS})
            values[key] = values[f"{key}_en"]
        collection = sync(Collection, report, lookup={"code": code}, values=values)
        found[str(item.get("label_in_data") or code)] = collection
    return found


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _by_name(model: Any) -> dict[str, Any]:
    return {fold(obj.name_en or obj.name): obj for obj in model.objects.all()}


def _load_solutions(path: Path, collections: dict[str, Collection], report: LoadReport) -> None:
    rows = read_csv(path, COLUMNS)
    themes, challenges = _by_name(Theme), _by_name(Challenge)
    members = members_by_city()
    resolver = MetroResolver()
    # Addresses of solutions people wrote are never taken over by a seed row.
    slugs = set(Solution.objects.filter(author__isnull=False).values_list("slug", flat=True))
    now = timezone.now()
    for row in rows:

        def fail(column: str, why: str, line: int = row.line) -> LoadError:
            return LoadError(path, why, row=line, column=column)

        title = row["title"].strip()
        if not title:
            raise fail("title", "the title is empty")
        collection = collections.get(row["collection"].strip())
        if collection is None:
            known = ", ".join(sorted(collections))
            raise fail("collection", f"unknown collection {row['collection']!r}; known: {known}")
        picked_themes = []
        for name in _split(row["themes"]):
            if fold(name) not in themes:
                raise fail("themes", f"unknown plan theme {name!r}")
            picked_themes.append(themes[fold(name)])
        picked_challenges = []
        for name in _split(row["challenges"]):
            if fold(name) not in challenges:
                raise fail("challenges", f"unknown plan challenge {name!r}")
            picked_challenges.append(challenges[fold(name)])
        try:
            sdgs = [int(s) for s in _split(row["sdgs"])]
        except ValueError:
            raise fail(
                "sdgs", f"SDGs must be numbers 1-17 separated by ';', not {row['sdgs']!r}"
            ) from None
        if any(not 1 <= s <= 17 for s in sdgs):
            raise fail("sdgs", f"SDGs are numbered 1 to 17, not {row['sdgs']!r}")
        year = row["year"].strip()
        if year and not (year.isdigit() and 1900 <= int(year) <= now.year):
            raise fail("year", f"year {year!r} is not a year between 1900 and {now.year}")
        iso3 = row["country_iso3"].strip().upper()
        if len(iso3) != 3:
            raise fail("country_iso3", f"{row['country_iso3']!r} is not an ISO 3166 alpha-3 code")
        city = row["city"].strip()
        try:
            metro_id: int | None = resolver.resolve(city, iso3)
        except Unresolved:
            metro_id = None  # e.g. a region or a district: shown without a metro
        slug = _slug(title, slugs)
        values: dict[str, Any] = {
            "title": title,
            "summary": row["summary"].strip(),
            "results": row["results"].strip(),
            "language": Language.EN,
            "collection": collection,
            "city": city,
            "country_iso3": iso3,
            "metro_id": metro_id,
            "year_started": int(year) if year else None,
            "sdgs": sdgs,
            "source_url": row["source_url"].strip(),
            "status": SolutionStatus.PUBLISHED,
        }
        solution = sync(Solution, report, lookup={"slug": slug}, values=values)
        if solution.published_at is None:
            Solution.objects.filter(pk=solution.pk).update(published_at=now)
            ReviewStep.objects.create(
                solution=solution,
                action=ReviewAction.IMPORT,
                to_status=SolutionStatus.PUBLISHED,
                comment=f"{path.name}, row {row.line}",
            )
        _set(solution.themes, {t.pk for t in picked_themes})
        _set(solution.challenges, {c.pk for c in picked_challenges})
        _set(solution.members, {m.pk for m in members.get((fold(city), iso3), [])})


TRANSLATION_COLUMNS = ["slug", "language", "title", "summary"]


def _load_translations(path: Path, report: LoadReport) -> None:
    """Metroscope's translations of the seed solutions' titles and summaries (the source
    gives English only). A translation staff have corrected (its history holds a change by
    a person) is never overwritten; the others follow the file."""
    rows = read_csv(path, TRANSLATION_COLUMNS)
    solutions = {s.slug: s for s in Solution.objects.filter(author__isnull=True)}
    corrected = set(
        SolutionTranslation.history.filter(history_user__isnull=False).values_list(
            "solution_id", "language"
        )
    )
    for row in rows:
        solution = solutions.get(row["slug"].strip())
        if solution is None:
            raise LoadError(path, f"no seed solution {row['slug']!r}", row=row.line, column="slug")
        language = row["language"].strip()
        if language not in LANGS or language == solution.language:
            raise LoadError(
                path,
                f"{language!r} is not one of {', '.join(LANGS)} other than the solution's own",
                row=row.line,
                column="language",
            )
        for column in ("title", "summary"):
            if not row[column].strip():
                raise LoadError(path, f"the {column} is empty", row=row.line, column=column)
        if (solution.pk, language) in corrected:
            continue
        sync(
            SolutionTranslation,
            report,
            lookup={"solution": solution, "language": language},
            values={
                "title": row["title"].strip(),
                "summary": row["summary"].strip(),
                "translated_by": TranslatedBy.METROSCOPE,
            },
        )


def members_by_city() -> dict[tuple[str, str], list[Member]]:
    """(folded city, ISO3) → members. "Barcelona (city)" answers for "Barcelona" when no
    member is named exactly so; of several, the city government is the one behind a city's
    solution."""
    exact: dict[tuple[str, str], list[Member]] = {}
    loose: dict[tuple[str, str], list[Member]] = {}
    for member in Member.objects.select_related("country").order_by("name"):
        iso3 = member.country.iso3
        exact.setdefault((fold(member.name), iso3), []).append(member)
        base, _, qualifier = member.name.partition(" (")
        if qualifier:
            loose.setdefault((fold(base), iso3), []).append(member)
    for key, found in loose.items():
        if key not in exact:
            cities = [m for m in found if m.name.endswith("(city)")]
            exact[key] = cities or found
    return exact


def _slug(title: str, taken: set[str]) -> str:
    base = slugify(title)[:180] or "solution"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _set(manager: Any, wanted: set[int]) -> None:
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(wanted)
