"""The Observatory's pages keep their counts between requests (observatory/page_figures.py)
and still tell the truth after each kind of write: a newly published value, a value of a new
sex, a metro no longer a member's."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from django.db.models import Count

from metroscope.observatory.models import Metro, MetroMember, Observation, Status
from metroscope.observatory.services import ValueInput, observation_enter, observation_review
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PM25 = "pm25_annual_mean"
SOURCE = "Test value, not real (tests/observatory/test_page_figures.py)"


def page(path: str) -> str:
    return client_for(None).get(path, HTTP_HOST="127.0.0.1").content.decode()


def publish(staff, value: ValueInput) -> None:
    """Enter a value and publish it, as the Secretariat does (two import batches)."""
    observation_enter(user=staff, values=[replace(value, source=SOURCE)])
    waiting = Observation.objects.filter(
        metro__code=value.metro, indicator__code=value.indicator, year=value.year, sex=value.sex
    ).values_list("pk", flat=True)
    observation_review(user=staff, observation_ids=list(waiting), status=Status.PUBLISHED)


def metros_with_values(catalogue: str, code: str) -> int:
    """The catalogue's "metros with values" of one indicator."""
    start = catalogue.index(f'<td><a href="/observatory/indicators/{code}/">')
    row = catalogue[start : catalogue.index("</tr>", start)]
    return int(re.search(r'<td class="num">([\d,]+)</td>', row).group(1).replace(",", ""))


def coverage(indicator_page: str) -> tuple[int, int, int]:
    found = re.search(
        r"Published values for ([\d,]+) metros, of which (\d+) of the (\d+) metros", indicator_page
    )
    return tuple(int(n.replace(",", "")) for n in found.groups())


def member_metros_figure(catalogue: str) -> int:
    found = re.search(r'<span class="figure">(\d+)</span> where members operate', catalogue)
    return int(found.group(1))


def metro_without(code: str) -> Metro:
    return (
        Metro.objects.filter(synthetic=False)
        .exclude(observations__indicator__code=code)
        .order_by("code")
        .first()
    )


def test_the_catalogue_counts_a_newly_published_value(staff):
    before = metros_with_values(page("/observatory/"), PM25)
    assert metros_with_values(page("/observatory/"), PM25) == before  # the kept count
    metro = metro_without(PM25)
    publish(staff, ValueInput(metro=metro.code, indicator=PM25, year=2020, value=11.5))
    assert metros_with_values(page("/observatory/"), PM25) == before + 1


def test_an_indicator_page_counts_and_lists_a_newly_published_value(staff):
    path = f"/observatory/indicators/{PM25}/?all=1"
    metros, members, total = coverage(page(path))
    assert coverage(page(path)) == (metros, members, total)
    metro = metro_without(PM25)
    # of the scale the page compares (the WHO's figures are for core cities), and above every
    # real value, so that it is among the 500 highest the table lists
    value = ValueInput(metro=metro.code, indicator=PM25, year=2020, value=999.0, scale="core_city")
    publish(staff, value)
    after = page(path)
    assert coverage(after) == (metros + 1, members, total)
    assert f'href="/observatory/metros/{metro.code}/"' in after


def test_an_indicator_page_offers_a_sex_once_it_has_a_value(staff):
    code = "labour_force_participation_rate"  # the catalogue allows male; the data hold female
    path = f"/observatory/indicators/{code}/"
    assert '<option value="male"' not in page(path)
    assert '<option value="male"' not in page(path)
    metro = Observation.objects.filter(indicator__code=code).values_list("metro__code")[0][0]
    publish(staff, ValueInput(metro=metro, indicator=code, year=2020, value=61.0, sex="male"))
    assert '<option value="male"' in page(path)


def test_a_metro_that_stops_being_a_members_leaves_the_member_counts():
    own = MetroMember.objects.filter(relation="own")
    alone = own.values("metro").annotate(n=Count("member")).filter(n=1)
    link = own.filter(metro__in=alone.values("metro"), metro__observations__indicator__code=PM25)
    link = link.distinct().first()
    path = f"/observatory/indicators/{PM25}/"
    metros, members, total = coverage(page(path))
    catalogue_members = member_metros_figure(page("/observatory/"))
    assert catalogue_members == total
    link.delete()
    assert member_metros_figure(page("/observatory/")) == total - 1
    assert coverage(page(path)) == (metros, members - 1, total - 1)
