"""Journeys through the Observatory: the public reads the catalogue, an indicator and a metro;
an officer enters a provisional value for their own metro only; secretariat staff import a
file (and are refused a bad one) and publish what waits for review."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from metroscope.observatory import selectors, services
from metroscope.observatory.models import Indicator, Observation, Source, Status
from tests.conftest import BARCELONA, make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e

PM25 = "pm25_annual_mean"
PM25_NAME = "Annual mean PM2.5 concentration"
WHO = "World Health Organization"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def row_linking(page: Page, name: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


def series(page: Page, indicator_name: str):
    return page.locator("section.series").filter(
        has=page.get_by_role("heading", name=indicator_name, exact=True)
    )


def test_public_reads_catalogue_indicator_and_metro(page: Page):
    pm25 = Indicator.objects.get(code=PM25)
    page.goto("/observatory/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Observatory")
    themes = page.get_by_role("heading", level=2)
    expect(themes.filter(has_text="Environmental sustainability")).to_have_count(1)
    expect(themes.filter(has_text="Quality of life")).to_have_count(1)
    # Once in the headline table of the network, once in its theme's table.
    expect(row_linking(page, PM25_NAME)).to_have_count(2)
    headlines = page.locator("table.headlines")
    expect(row_linking(page, PM25_NAME).filter(has_text="µg/m³")).to_have_count(2)
    expect(headlines.get_by_role("row").filter(has_text="35.1")).to_have_count(1)  # the plan's
    assert_accessible(page)

    page.get_by_role("link", name=PM25_NAME, exact=True).last.click()
    expect(page).to_have_url(re.compile(rf"/observatory/indicators/{PM25}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(PM25_NAME)
    expect(page.locator("p.lead")).to_have_text(pm25.definition)
    coverage = selectors.indicator_coverage(pm25)
    assert coverage["member_metros"] > 0
    expect(page.get_by_text(re.compile(r"^Published values for"))).to_have_text(
        f"Published values for {coverage['metros']} metros, of which "
        f"{coverage['member_metros']} of the {coverage['member_metro_total']} metros "
        "where members operate."
    )
    latest = (
        Observation.objects.filter(
            metro__code="barcelona", indicator=pm25, sex="total", status=Status.PUBLISHED
        )
        .select_related("source")
        .order_by("-year")
        .first()
    )
    assert latest is not None
    assert latest.source.publisher == WHO
    barcelona = row_linking(page, "Barcelona")
    expect(barcelona).to_have_count(1)
    cells = barcelona.get_by_role("cell")
    expect(cells.nth(1)).to_have_text("ESP")
    expect(cells.nth(2)).to_have_text(f"{latest.value:.1f}")
    expect(cells.nth(3)).to_have_text(str(latest.year))
    expect(cells.nth(5)).to_contain_text(WHO)
    # Like against like: the table shows the WHO's core-city values, Gyeonggi's region apart.
    members_only = len(selectors.latest_values(pm25, members_only=True, scale="core_city"))
    expect(page.locator("table tbody tr")).to_have_count(members_only)
    assert_accessible(page)

    page.get_by_label("Metros", exact=True).select_option(label="all metros")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"[?&]all=1"))
    expect(page.get_by_label("Metros", exact=True)).to_have_value("1")
    # The WHO data cover member metros only, so every metro with a value is listed either way
    # (at the page's one scale: core city; the region figure is offered apart).
    everywhere = len(selectors.latest_values(pm25, members_only=False, scale="core_city"))
    assert len(selectors.latest_values(pm25, members_only=False)) == coverage["metros"]
    assert everywhere == members_only
    expect(page.locator("table tbody tr")).to_have_count(everywhere)
    assert_accessible(page)

    # Where other metros have values, "all metros" lists them too.
    population = Indicator.objects.get(code="population_urban_agglomeration")
    page.goto(f"/observatory/indicators/{population.code}/")
    members_only = len(selectors.latest_values(population, members_only=True))
    everywhere = len(selectors.latest_values(population, members_only=False))
    assert everywhere > members_only
    expect(page.locator("table tbody tr")).to_have_count(members_only)
    page.get_by_label("Metros", exact=True).select_option(label="all metros")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("table tbody tr")).to_have_count(everywhere)
    assert_accessible(page)

    page.goto("/observatory/metros/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Metropolitan spaces")
    assert_accessible(page)
    # A marker on the window survives only if the results are swapped in place by htmx.
    page.evaluate("window.__noReload = true")
    page.locator("main").get_by_label("Search").fill("atlantis")
    summary = page.locator("#results > p").first
    expect(summary).to_have_text(re.compile(r"^0 metros"))
    summary.get_by_role("link", name=re.compile("search all metros")).click()
    expect(page.locator("#results").get_by_role("link", name="Atlantis")).to_be_visible()
    page.goto("/observatory/metros/")
    page.evaluate("window.__noReload = true")
    page.locator("main").get_by_label("Search").fill("sao paulo")
    expect(page.locator("#results > p").first).to_have_text(re.compile(r"^1 metro\b"))
    expect(page).to_have_url(re.compile(r"q=sao(\+|%20)paulo"))
    assert page.evaluate("window.__noReload") is True
    results = page.locator("#results")
    expect(results.get_by_role("link", name="São Paulo", exact=True)).to_be_visible()
    assert_accessible(page)

    results.get_by_role("link", name="São Paulo", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("São Paulo")
    members = page.locator("section").filter(has=page.get_by_role("heading", name="Members"))
    # São Paulo's own place; Guarulhos lies in it and has a place of its own
    expect(members.get_by_role("link", name="São Paulo", exact=True)).to_be_visible()
    expect(members.get_by_role("link", name="Guarulhos", exact=True)).to_be_visible()
    expect(members.get_by_role("link", name="its own place: Guarulhos")).to_be_visible()
    life = series(page, "Life expectancy at birth")
    expect(life.locator(".badge")).to_have_text("National proxy")
    table = life.get_by_role("table")
    expect(table).to_be_hidden()
    life.locator("summary").click()
    expect(table).to_be_visible()
    proxy_rows = table.get_by_role("row").filter(
        has=page.get_by_role("cell", name="National proxy", exact=True)
    )
    expect(proxy_rows.first).to_be_visible()
    assert_accessible(page)

    # Where it stands among peers, and metros like this one.
    standing = page.locator("table").filter(
        has=page.get_by_role("columnheader", name="Percentile rank")
    )
    expect(standing).to_have_count(1)
    page.get_by_label("Compared with").select_option("country:BRA")
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"peers=country%3ABRA"))
    population_row = standing.get_by_role("row").filter(
        has=page.get_by_role("link", name="Population of the urban centre", exact=True)
    )
    expect(population_row.get_by_role("cell").last).to_have_text(
        str(
            Observation.objects.filter(
                indicator__code="population_urban_centre", year=2015, metro__country_iso3="BRA"
            ).count()
        )
    )
    like_mine = page.locator("h2#like-mine ~ ol").first
    expect(like_mine.get_by_role("listitem")).to_have_count(10)
    assert_accessible(page)

    response = page.goto("/fr/observatory/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)


def test_indicator_csv_download(page: Page):
    page.goto(f"/observatory/indicators/{PM25}/")
    assert_accessible(page)
    link = page.get_by_role("link", name="CSV", exact=True)
    href = link.get_attribute("href")
    assert href is not None
    assert f"indicator={PM25}" in href
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text().splitlines()
    assert lines[0].startswith("metro,metro_name,")
    assert len(lines) > 1
    assert all(f",{PM25}," in line for line in lines[1:])

    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith(".csv")


def test_officer_enters_provisional_value_for_own_metro_only(page: Page):
    make_user("officer_barcelona", ("officer", BARCELONA))
    sign_in(page, "officer_barcelona")

    page.goto("/observatory/metros/barcelona/")
    assert_accessible(page)
    page.get_by_role("link", name="Enter a value").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a value")
    expect(page.get_by_label("Metro", exact=True)).to_have_value("barcelona")
    assert_accessible(page)

    # Out of range first: the error is shown next to Value and nothing is saved.
    page.get_by_label("Indicator").select_option(PM25)
    page.get_by_label("Year").fill("2024")
    page.get_by_label("Value", exact=True).fill("-4")
    page.get_by_label("Source").fill("Agència de Salut Pública de Barcelona")
    page.get_by_role("button", name="Save as provisional").click()
    error = f"{PM25} takes values from 0 to 1,000 (µg/m³)."
    expect(page.locator("#id_value_error")).to_have_text(error)
    value = page.get_by_label("Value", exact=True)
    expect(value).to_have_attribute("aria-invalid", "true")
    expect(value).to_have_accessible_description(re.compile(re.escape(error)))
    assert not Observation.objects.filter(
        metro__code="barcelona", indicator__code=PM25, year=2024
    ).exists()
    assert_accessible(page)

    page.get_by_label("Value", exact=True).fill("12.5")
    page.get_by_role("button", name="Save as provisional").click()
    expect(page.get_by_role("status")).to_have_text(
        "The value was saved as provisional; the Secretariat will review it."
    )
    expect(page).to_have_url(re.compile(r"/observatory/metros/barcelona/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Barcelona")
    saved = Observation.objects.select_related("source").get(
        metro__code="barcelona", indicator__code=PM25, year=2024, sex="total"
    )
    assert saved.value == 12.5
    assert saved.status == Status.PROVISIONAL
    assert saved.source.title == "Agència de Salut Pública de Barcelona"
    assert_accessible(page)

    # The officer's own metro choices hold Barcelona only, whatever the address asks for.
    page.goto("/observatory/enter/?metro=seoul")
    metro = page.get_by_label("Metro", exact=True)
    options = metro.locator("option")
    assert [v for v in options.evaluate_all("os => os.map(o => o.value)") if v] == ["barcelona"]
    expect(metro).not_to_have_value("seoul")
    assert_accessible(page)
    # Forcing Seoul into the form is refused by the server as well.
    metro.evaluate("s => { s.add(new Option('Seoul', 'seoul')); s.value = 'seoul'; }")
    page.get_by_label("Indicator").select_option(PM25)
    page.get_by_label("Year").fill("2024")
    page.get_by_label("Value", exact=True).fill("20")
    page.get_by_label("Source").fill("Seoul Metropolitan Government")
    page.get_by_role("button", name="Save as provisional").click()
    expect(page.locator("#id_metro_error")).to_contain_text("Select a valid choice")
    assert_accessible(page)
    assert not Observation.objects.filter(metro__code="seoul", year=2024).exists()

    # The public does not see the provisional value.
    sign_out(page)
    page.goto("/observatory/metros/barcelona/")
    pm25 = series(page, PM25_NAME)
    expect(pm25).to_have_count(1)
    expect(pm25).not_to_contain_text("12.5")
    expect(pm25).not_to_contain_text("2024")
    assert_accessible(page)
    page.goto(f"/observatory/indicators/{PM25}/")
    expect(row_linking(page, "Barcelona").get_by_role("cell").nth(3)).not_to_have_text("2024")
    expect(row_linking(page, "Barcelona")).not_to_contain_text("12.5")
    assert_accessible(page)


def test_staff_imports_a_file_is_refused_a_bad_one_and_publishes(page: Page, tmp_path: Path):
    make_user("staff", ("secretariat", ""))
    sign_in(page, "staff")

    page.goto("/observatory/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import values from a file")
    assert_accessible(page)
    good = tmp_path / "observatory-2024.csv"
    good.write_text(
        "metro,indicator,year,value,source\n"
        "barcelona,pm25_annual_mean,2024,12.5,Agència de Salut Pública de Barcelona\n"
        "sao-paulo,pm10_annual_mean,2024,31.4,CETESB\n",
        encoding="utf-8",
    )
    before = Observation.objects.count()
    page.get_by_label("File").set_input_files(good)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Preview of observatory-2024.csv")).to_be_visible()
    facts = page.locator("section.preview dl")
    expect(facts.locator("dt:text-is('Rows read') + dd")).to_have_text("2")
    expect(facts.locator("dt:text-is('New values') + dd")).to_have_text("2")
    expect(facts.locator("dt:text-is('Changed values') + dd")).to_have_text("0")
    assert Observation.objects.count() == before  # a preview writes nothing
    assert_accessible(page)

    page.get_by_role("button", name="Import these values").click()
    expect(page.get_by_role("status")).to_have_text(
        "Imported observatory-2024.csv: 2 created, 0 changed, 0 unchanged."
    )
    assert Observation.objects.count() == before + 2
    imported = Observation.objects.get(
        metro__code="sao-paulo", indicator__code="pm10_annual_mean", year=2024
    )
    assert imported.value == 31.4
    assert imported.status == Status.PUBLISHED
    assert_accessible(page)
    page.get_by_role("link", name="Import another file").click()

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "metro,indicator,year,value,source\n"
        "Lost City of Atlantis,pm25_annual_mean,2023,10,Somebody\n"
        "barcelona,pm10_annual_mean,2023,lots,Somebody\n",
        encoding="utf-8",
    )
    page.get_by_label("File").set_input_files(bad)
    page.get_by_role("button", name="Check the file").click()
    problems = page.locator("section.problems")
    expect(problems.get_by_role("heading")).to_have_text(
        "bad.csv: 2 problems, nothing was imported"
    )
    rows = problems.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("2")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("metro")
    expect(rows.nth(0).locator("td").nth(3)).to_contain_text(
        "unknown metro 'Lost City of Atlantis'"
    )
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("3")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("value")
    expect(rows.nth(1).locator("td").nth(2)).to_have_text("lots")
    expect(rows.nth(1).locator("td").nth(3)).to_have_text("the value is not a number")
    expect(page.get_by_role("button", name="Import these values")).to_have_count(0)
    assert Observation.objects.count() == before + 2
    assert not Observation.objects.filter(
        metro__code="barcelona", indicator__code="pm10_annual_mean", year=2023
    ).exists()
    assert not Source.objects.filter(title="Somebody").exists()
    assert_accessible(page)

    # A provisional value waits for review; staff publish it.
    officer = make_user("officer_barcelona", ("officer", BARCELONA))
    services.observation_enter(
        user=officer,
        values=[
            services.ValueInput(
                metro="barcelona",
                indicator="pm10_annual_mean",
                year=2022,
                value=24.0,
                source="Agència de Salut Pública de Barcelona",
            )
        ],
    )
    page.goto("/observatory/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Values waiting for review")
    choice = page.get_by_role(
        "checkbox", name="Choose Barcelona, Annual mean PM10 concentration, 2022"
    )
    expect(choice).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(
        Observation.objects.exclude(status=Status.PUBLISHED).count()
    )
    assert_accessible(page)
    choice.check()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_have_text("1 value(s) marked Published.")
    expect(choice).to_have_count(0)
    published = Observation.objects.get(
        metro__code="barcelona", indicator__code="pm10_annual_mean", year=2022
    )
    assert published.status == Status.PUBLISHED
    assert_accessible(page)

    sign_out(page)
    page.goto("/observatory/metros/barcelona/")
    expect(series(page, "Annual mean PM10 concentration").locator("p").first).to_contain_text(
        "24.0"
    )
    assert_accessible(page)


def test_compare_gender_lens_and_coverage_pages(page: Page):
    page.goto("/observatory/")
    page.get_by_role("link", name="Compare metros").click()
    page.get_by_label("Metros (2 to 5, separated by commas)").fill("barcelona, Sao Paulo, Tokyo")
    page.get_by_role("button", name="Compare").click()
    header = page.locator("table thead")
    expect(header.get_by_role("link", name="São Paulo", exact=True)).to_be_visible()
    expect(header.get_by_role("columnheader")).to_have_count(4)
    assert_accessible(page)

    page.goto("/observatory/gender/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gender lens")
    expect(page.get_by_role("heading", name="Life expectancy at birth")).to_be_visible()
    assert_accessible(page)

    page.goto("/observatory/coverage/")
    region = page.get_by_role("region", name="Coverage table")
    expect(region.get_by_role("link", name="Victoria", exact=True)).to_be_visible()
    assert_accessible(page)
