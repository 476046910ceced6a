"""Metros from the open data: GHSL urban centres matched to UN agglomerations and to the
members' crosswalk (see `places`), written in bulk with their aliases and memberships. Metros
the data no longer describes are retired unless people have values for them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import models

from metroscope.core.loading import LoadError, LoadReport, read_csv
from metroscope.core.text import fold
from metroscope.members.models import Member, MemberKind
from metroscope.observatory import places
from metroscope.observatory.models import (
    BatchKind,
    Metro,
    MetroAlias,
    MetroMember,
    Observation,
)


def _places(path: Path, name_col: str, country_col: str) -> dict[int, places.Place]:
    rows = read_csv(path, ["entity_id", name_col, "country_iso3", country_col, "latitude"])
    return {
        int(r["entity_id"]): places.Place(
            id=int(r["entity_id"]),
            name=r[name_col],
            iso3=r["country_iso3"],
            country=r[country_col],
            lat=float(r["latitude"]),
            lon=float(r["longitude"]),
        )
        for r in rows
    }


def _links(
    folder: Path, member_codes: dict[str, str], known: dict[str, tuple[str, set[int]]]
) -> list[places.CrosswalkLink]:
    """The member crosswalk; a row naming an entity its dataset does not hold stops the load
    (`known`: dataset -> (file name, entity ids))."""
    links = []
    for name in ("member_crosswalk.csv", "member_crosswalk_extra.csv"):
        path = folder / name
        for row in read_csv(path, ["member_name", "dataset", "entity_id", "match_type"]):
            code = member_codes.get(row["member_name"])
            if code is None:
                raise LoadError(path, "unknown member", row=row.line, column="member_name")
            if row["dataset"] in known and row["entity_id"]:
                file, ids = known[row["dataset"]]
                if not row["entity_id"].isdigit() or int(row["entity_id"]) not in ids:
                    raise LoadError(
                        path,
                        f"{row['dataset']} entity {row['entity_id']!r} "
                        f"({row['entity_name']}) is not in {file}",
                        row=row.line,
                        column="entity_id",
                    )
            links.append(
                places.CrosswalkLink(
                    member=code,
                    dataset=row["dataset"],
                    entity_id=row["entity_id"],
                    entity_name=row["entity_name"],
                    match_type=row["match_type"],
                    note=row["note"],
                )
            )
    return links


def _bulk_sync(
    model: type[models.Model],
    report: LoadReport,
    key: str,
    wanted: dict[Any, dict[str, Any]],
    unique: tuple[str, ...] = (),
) -> dict[Any, Any]:
    """Create and update many rows at once, touching only the rows whose values differ.

    Fields in `unique` (nullable, unique) are cleared first on changed rows, so that values
    moving from one row to another never collide half-way.
    """
    existing = {getattr(o, key): o for o in model._default_manager.all()}
    new, changed, fields = [], [], set()
    for k, values in wanted.items():
        obj = existing.get(k)
        if obj is None:
            new.append(model(**{key: k}, **values))
            continue
        diff = [f for f, v in values.items() if getattr(obj, f) != v]
        if diff:
            for f in diff:
                setattr(obj, f, values[f])
            changed.append(obj)
            fields.update(diff)
    moving = [f for f in unique if f in fields]
    if moving:
        model._default_manager.filter(pk__in=[o.pk for o in changed]).update(
            **dict.fromkeys(moving)
        )
    model._default_manager.bulk_create(new, batch_size=2000)
    if changed:
        model._default_manager.bulk_update(changed, sorted(fields), batch_size=2000)
    report.add_counts(
        model._meta.label,
        created=len(new),
        updated=len(changed),
        unchanged=len(wanted) - len(new) - len(changed),
    )
    return {getattr(o, key): o for o in model._default_manager.filter(**{f"{key}__in": wanted})}


def load_metros(folder: Path, report: LoadReport) -> dict[str, Any]:
    ghsl = _places(folder / "ghsl_ucdb2015_urban_centres.csv", "entity_name", "country_name")
    wup = _places(folder / "wup2018_agglomerations.csv", "entity_name", "country_or_area")
    members = {
        m.code: places.MemberPoint(
            m.code,
            m.name,
            m.country.iso3,
            getattr(m.country, "name_en", "") or "",
            m.latitude,
            m.longitude,
            region=m.kind == MemberKind.REGION,
        )
        for m in Member.objects.select_related("country")
    }
    known = {
        "ghsl_ucdb2015": ("ghsl_ucdb2015_urban_centres.csv", set(ghsl)),
        "wup2018": ("wup2018_agglomerations.csv", set(wup)),
    }
    links = _links(folder, {m.name: m.code for m in members.values()}, known)
    specs = places.plan_metros(ghsl, wup, members, links)
    wanted = {
        s.code: {
            "name": s.name,
            "folded": fold(s.name),
            "country_iso3": s.iso3,
            "country_name": s.country,
            "latitude": s.lat,
            "longitude": s.lon,
            "kind": s.kind,
            "ghsl_id": s.ghsl_id,
            "wup_id": s.wup_id,
            "wup_match": s.wup_match,
            "wup_distance_km": s.wup_distance_km,
        }
        for s in specs
    }
    _retire_stale_metros(set(wanted), report)
    metros = _bulk_sync(Metro, report, "code", wanted, unique=("ghsl_id", "wup_id"))
    _sync_aliases(specs, metros, report)
    _sync_memberships(specs, metros, report)
    own_of = {code: metros[s.code].pk for s in specs for code in s.own_members()}
    centre_of: dict[str, int] = {}
    for s in specs:
        if s.ghsl_id is None:
            continue
        for code, (relation, _, _) in s.members.items():
            if relation != "seat":
                centre_of.setdefault(code, metros[s.code].pk)
    for s in specs:  # a member whose own place holds no centre lies in the one linked
        for code in s.own_members():
            if s.ghsl_id is not None:
                centre_of[code] = metros[s.code].pk
    return {
        "by_code": metros,
        "by_ghsl": {s.ghsl_id: metros[s.code].pk for s in specs if s.ghsl_id},
        "by_wup": {s.wup_id: metros[s.code].pk for s in specs if s.wup_id},
        # metro id -> country, for the members' own places: national figures follow it
        "member_metros": {metros[s.code].pk: s.iso3 for s in specs if s.own_members()},
        "own_of": own_of,
        "member_of": own_of,
        "centre_of": centre_of,
        "composites": [(metros[s.code].pk, s) for s in specs if s.components],
        "specs": specs,
    }


def _retire_stale_metros(wanted: set[str], report: LoadReport) -> None:
    """Metros the open data no longer describes (a rematch, a corrected name) give up their
    dataset ids; they are deleted unless someone imported or entered values for them."""
    stale = Metro.objects.filter(synthetic=False).exclude(code__in=wanted)
    stale = stale.filter(models.Q(ghsl_id__isnull=False) | models.Q(wup_id__isnull=False))
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return
    Metro.objects.filter(pk__in=ids).update(ghsl_id=None, wup_id=None)
    kept = set(
        Observation.objects.filter(metro_id__in=ids)
        .exclude(batch__kind=BatchKind.OPEN_DATA)
        .values_list("metro_id", flat=True)
    )
    Metro.objects.filter(pk__in=set(ids) - kept).delete()
    report.add_counts(Metro._meta.label, created=0, updated=len(ids), unchanged=0)


ALIAS_ORIGINS = {"GHSL UCDB 2015", "UN WUP 2018", "member registry", "WHO AAQ 2022"}


def _sync_aliases(
    specs: list[places.MetroSpec], metros: dict[str, Metro], report: LoadReport
) -> None:
    wanted = {
        (metros[s.code].pk, folded): (name, origin)
        for s in specs
        for folded, (name, origin) in s.aliases.items()
    }
    existing = {
        (a.metro_id, a.folded): a for a in MetroAlias.objects.filter(origin__in=ALIAS_ORIGINS)
    }
    new = [
        MetroAlias(metro_id=k[0], folded=k[1], name=name, origin=origin)
        for k, (name, origin) in wanted.items()
        if k not in existing
    ]
    stale = [a.pk for k, a in existing.items() if k not in wanted]
    MetroAlias.objects.bulk_create(new, batch_size=2000)
    MetroAlias.objects.filter(pk__in=stale).delete()
    report.add_counts(
        MetroAlias._meta.label,
        created=len(new),
        updated=len(stale),
        unchanged=len(wanted) - len(new),
    )


def _sync_memberships(
    specs: list[places.MetroSpec], metros: dict[str, Metro], report: LoadReport
) -> None:
    member_ids = dict(Member.objects.values_list("code", "pk"))
    wanted = {
        (metros[s.code].pk, member_ids[code]): {"relation": rel, "note": note, "source": source}
        for s in specs
        for code, (rel, note, source) in s.members.items()
    }
    existing = {(m.metro_id, m.member_id): m for m in MetroMember.objects.all()}
    new = [
        MetroMember(metro_id=k[0], member_id=k[1], **v)
        for k, v in wanted.items()
        if k not in existing
    ]
    changed = []
    for k, v in wanted.items():
        link = existing.get(k)
        if link and (link.relation, link.note, link.source) != tuple(v.values()):
            link.relation, link.note, link.source = v["relation"], v["note"], v["source"]
            changed.append(link)
    stale = [m.pk for k, m in existing.items() if k not in wanted]
    MetroMember.objects.bulk_create(new)
    MetroMember.objects.bulk_update(changed, ["relation", "note", "source"])
    MetroMember.objects.filter(pk__in=stale).delete()
    report.add_counts(
        MetroMember._meta.label,
        created=len(new),
        updated=len(changed) + len(stale),
        unchanged=len(wanted) - len(new) - len(changed),
    )
