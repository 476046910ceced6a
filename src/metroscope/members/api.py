"""API v1 for the member registry: read-only, paginated, filterable, in the asked language."""

# No `from __future__ import annotations` here: django-ninja reads the Query[...] parameter
# annotations at import time, and postponed (string) annotations break that.
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from metroscope.core.api_paging import BoundedLimitOffset
from metroscope.core.i18n import translated
from metroscope.members import selectors
from metroscope.members.models import Country, Member, MemberKind, Region

router = Router(tags=["members"])


class RegionRef(Schema):
    code: str
    name: str


class CountryRef(Schema):
    iso3: str
    iso2: str
    name: str


class MemberOut(Schema):
    code: str
    name: str
    institution: str
    kind: str
    kind_label: str
    entity_type: str
    country: CountryRef
    region: RegionRef
    latitude: float
    longitude: float
    geonames_id: int | None
    description: str
    website: str
    source: str

    @staticmethod
    def resolve_kind_label(obj: Member) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_country(obj: Member) -> dict[str, str]:
        return {"iso3": obj.country.iso3, "iso2": obj.country.iso2, "name": str(obj.country.name)}

    @staticmethod
    def resolve_region(obj: Member) -> dict[str, str]:
        region = obj.country.region
        return {"code": region.code, "name": str(region.name)}

    @staticmethod
    def resolve_description(obj: Member) -> str:
        return translated(obj, "description")[0]


class CountryOut(Schema):
    iso3: str
    iso2: str
    name: str
    region: RegionRef
    member_count: int

    @staticmethod
    def resolve_region(obj: Country) -> dict[str, str]:
        return {"code": obj.region.code, "name": str(obj.region.name)}


class RegionOut(Schema):
    code: str
    name: str
    member_count: int
    country_count: int
    regional_secretariat: str | None

    @staticmethod
    def resolve_regional_secretariat(obj: Region) -> str | None:
        member = obj.regional_secretariat
        return member.code if member else None


Sort = Literal["name", "-name", "country", "-country", "region", "-region", "kind", "-kind"]


class MemberQuery(Schema):
    region: str = Field("", description="region code or English name, e.g. Africa")
    country: str = Field("", description="ISO 3166-1 alpha-3 or alpha-2 code")
    kind: MemberKind | None = Field(None, description="kind of member government")
    q: str = Field("", max_length=100, description="words to find in name, institution, country")
    sort: Sort = "name"


@router.get("/members", response=list[MemberOut], summary="List members")
@paginate(BoundedLimitOffset)
def list_members(request: HttpRequest, filters: Query[MemberQuery]):  # type: ignore[no-untyped-def]
    return selectors.member_list(
        filters=selectors.MemberFilters(
            region=filters.region,
            country=filters.country,
            kind=filters.kind.value if filters.kind else "",
            q=filters.q,
            sort=filters.sort,
        )
    )


@router.get("/members/{code}", response=MemberOut, summary="One member")
def get_member(request: HttpRequest, code: str) -> Member:
    return get_object_or_404(Member.objects.select_related("country__region"), code=code)


@router.get("/countries", response=list[CountryOut], summary="Countries with members")
@paginate(BoundedLimitOffset)
def list_countries(request: HttpRequest, region: str = ""):  # type: ignore[no-untyped-def]
    return selectors.country_list(region=region).filter(member_count__gt=0)  # type: ignore[misc]


@router.get("/regions", response=list[RegionOut], summary="The five Metropolis regions")
def list_regions(request: HttpRequest):  # type: ignore[no-untyped-def]
    return list(selectors.region_list())
