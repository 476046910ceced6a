"""Pages of the Observatory, and who may use the write pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker

from metroscope.core.models import Job
from metroscope.observatory.models import BatchKind, ImportBatch, Observation, Status
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def get(path: str, user=None):
    return client_for(user).get(path, HTTP_HOST="127.0.0.1")


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/observatory/", "Download all published values"),
        ("/observatory/indicators/pm25_annual_mean/", "World Health Organization"),
        ("/observatory/metros/", "Barcelona"),
        ("/observatory/metros/?q=sao+paulo", "São Paulo"),
        ("/observatory/metros/barcelona/", "National proxy"),
        ("/fr/observatory/metros/barcelona/", "barcelona-metropolitan-area"),
    ],
)
def test_public_pages(path, text):
    response = get(path)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_indicator_page_offers_only_the_sexes_that_have_values():
    # The catalogue allows total, female and male; the data hold the female series only.
    response = get("/observatory/indicators/labour_force_participation_rate/?sex=male")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sex: Female." in page
    assert "No published value yet" not in page
    # Malé, a metro, has the code "male"; a national proxy has no metro to mark anyway.
    filters = page[page.index('id="latest"') : page.index('id="scale"')]
    assert '<option value="male"' not in filters


@pytest.mark.parametrize("page", ["enter", "import", "review"])
def test_write_pages_need_sign_in(page):
    response = get(f"/observatory/{page}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_board_member_may_not_enter_or_review(board_member):
    assert get("/observatory/enter/", board_member).status_code == 403
    assert get("/observatory/review/", board_member).status_code == 403


def test_officer_enters_a_provisional_value_for_own_metro_only(officer_barcelona):
    client = client_for(officer_barcelona)
    form = client.get("/observatory/enter/", HTTP_HOST="127.0.0.1").content.decode()
    assert 'value="barcelona"' in form
    assert 'value="seoul"' not in form
    data = {
        "metro": "barcelona",
        "indicator": "pm25_annual_mean",
        "year": 2024,
        "sex": "total",
        "value": "12.5",
        "scale": "metro",
        "source": "ASPB",
    }
    response = client.post("/observatory/enter/", data, HTTP_HOST="127.0.0.1")
    assert response.status_code == 302
    obs = Observation.objects.get(
        metro__code="barcelona", year=2024, indicator__code="pm25_annual_mean"
    )
    assert obs.status == Status.PROVISIONAL
    bad = client.post("/observatory/enter/", dict(data, value="-1"), HTTP_HOST="127.0.0.1")
    assert "takes values from 0" in bad.content.decode()
    seoul = client.post("/observatory/enter/", dict(data, metro="seoul"), HTTP_HOST="127.0.0.1")
    assert seoul.status_code == 200
    assert "Select a valid choice" in seoul.content.decode()
    assert get("/observatory/metros/barcelona/", officer_barcelona).status_code == 200
    assert "12.5" not in get("/observatory/indicators/pm25_annual_mean/").content.decode()


def upload_file(client, name: str, content: bytes, **data):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post("/observatory/import/", {"file": upload, **data}, HTTP_HOST="127.0.0.1")


def test_staff_preview_then_confirm_an_import(staff):
    client = client_for(staff)
    content = b"metro,indicator,year,value,source\nbarcelona,pm25_annual_mean,2024,10.25,ASPB\n"
    staged = upload_file(client, "values.csv", content, status="published")
    preview = Job.objects.get()
    assert staged.status_code == 302
    assert staged["Location"] == f"/observatory/import/{preview.pk}/"  # the job's id only
    page = client.get(staged["Location"], HTTP_HOST="127.0.0.1").content.decode()
    assert "Preview of values.csv" in page
    assert "Import these values" in page
    assert "hx-trigger" not in page  # done: nothing to poll
    assert not Observation.objects.filter(year=2024, indicator__code="pm25_annual_mean").exists()
    done = client.post(staged["Location"], {"action": "confirm"}, HTTP_HOST="127.0.0.1")
    write = Job.objects.exclude(pk=preview.pk).get()
    assert done["Location"] == f"/observatory/import/{write.pk}/"
    result = client.get(done["Location"], HTTP_HOST="127.0.0.1").content.decode()
    assert "Imported values.csv: 1 created, 0 changed, 0 unchanged." in result
    assert 'href="/observatory/review/"' in result
    obs = Observation.objects.get(year=2024, indicator__code="pm25_annual_mean")
    assert (obs.value, obs.status) == (10.25, Status.PUBLISHED)
    assert ImportBatch.objects.get(kind=BatchKind.FILE).filename == "values.csv"
    # The preview now leads to its import instead of offering to write it again.
    again = client.get(staged["Location"], HTTP_HOST="127.0.0.1").content.decode()
    assert "Import these values" not in again
    assert f'href="/observatory/import/{write.pk}/"' in again


def test_a_bad_upload_lists_problems_and_writes_nothing(staff):
    content = b"metro,indicator,year,value\nXanadu-on-Sea,pm25_annual_mean,2024,1\n"
    client = client_for(staff)
    response = upload_file(client, "bad.csv", content, source="ASPB")
    page = client.get(response["Location"], HTTP_HOST="127.0.0.1").content.decode()
    assert "bad.csv: 1 problem, nothing was imported" in page
    assert "unknown metro" in page
    assert "Check the file" in page  # the form, to send it again
    assert not ImportBatch.objects.filter(kind=BatchKind.FILE).exists()


def test_an_officers_import_is_hers_and_the_secretariats(officer_barcelona, officer_seoul, staff):
    content = b"metro,indicator,year,value,source\nbarcelona,pm25_annual_mean,2024,10.25,ASPB\n"
    officer = client_for(officer_barcelona)
    address = upload_file(officer, "values.csv", content)["Location"]
    other = client_for(officer_seoul)
    assert other.get(address, HTTP_HOST="127.0.0.1").status_code == 404
    assert other.post(address, {"action": "confirm"}, HTTP_HOST="127.0.0.1").status_code == 404
    assert not Observation.objects.filter(year=2024, indicator__code="pm25_annual_mean").exists()
    assert client_for(staff).get(address, HTTP_HOST="127.0.0.1").status_code == 200
    assert officer.post(address, {"action": "nothing"}, HTTP_HOST="127.0.0.1").status_code == 400
    done = officer.post(address, {"action": "confirm"}, HTTP_HOST="127.0.0.1")
    page = officer.get(done["Location"], HTTP_HOST="127.0.0.1").content.decode()
    assert "Imported values.csv: 1 created" in page
    assert "The values stay provisional until the Secretariat reviews them." in page
    obs = Observation.objects.get(year=2024, indicator__code="pm25_annual_mean")
    assert obs.status == Status.PROVISIONAL
    assert client_for(None).get(address, HTTP_HOST="127.0.0.1").status_code == 302  # sign in


def test_the_page_follows_the_jobs_on_the_database_queue(staff, settings, monkeypatch):
    """With the embedded queue, each job waits for the worker; the page polls its block (the
    job's id in the address, so a reload finds it) until the preview, then the import, ends."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    client = client_for(staff)
    content = b"metro,indicator,year,value,source\nbarcelona,pm25_annual_mean,2024,10.25,ASPB\n"
    address = upload_file(client, "values.csv", content)["Location"]
    waiting = client.get(address, HTTP_HOST="127.0.0.1", HTTP_HX_REQUEST="true")
    block = waiting.content.decode()
    assert block.startswith('<div id="import-job"')  # the block only, for htmx to swap
    assert 'hx-trigger="every 1s"' in block
    assert "Checking values.csv" in block
    assert "Waiting in the queue." in block
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)
    checked = client.get(address, HTTP_HOST="127.0.0.1", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in checked
    assert "Preview of values.csv" in checked
    done = client.post(address, {"action": "confirm"}, HTTP_HOST="127.0.0.1")["Location"]
    writing = client.get(done, HTTP_HOST="127.0.0.1").content.decode()
    assert "Importing values.csv" in writing
    assert 'hx-trigger="every 1s"' in writing
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)
    written = client.get(done, HTTP_HOST="127.0.0.1", HTTP_HX_REQUEST="true").content.decode()
    assert "Imported values.csv: 1 created" in written
    assert Observation.objects.filter(year=2024, indicator__code="pm25_annual_mean").exists()


def test_a_failed_import_shows_its_error_and_runs_again(staff, monkeypatch):
    from metroscope.observatory import imports

    real = imports.write_observations
    failures = [RuntimeError("the disk was full")]

    def fails_once(rows, **kwargs):
        if failures:
            raise failures.pop()
        return real(rows, **kwargs)

    client = client_for(staff)
    content = b"metro,indicator,year,value,source\nbarcelona,pm25_annual_mean,2024,10.25,ASPB\n"
    address = upload_file(client, "values.csv", content)["Location"]
    monkeypatch.setattr(imports, "write_observations", fails_once)
    done = client.post(address, {"action": "confirm"}, HTTP_HOST="127.0.0.1")["Location"]
    page = client.get(done, HTTP_HOST="127.0.0.1").content.decode()
    assert "It failed." in page
    assert "RuntimeError: the disk was full" in page
    assert not Observation.objects.filter(year=2024, indicator__code="pm25_annual_mean").exists()
    client.post(done, {"action": "retry"}, HTTP_HOST="127.0.0.1")
    page = client.get(done, HTTP_HOST="127.0.0.1").content.decode()
    assert "Imported values.csv: 1 created" in page


def test_staff_review_publishes_and_history_shows_the_old_status(staff, officer_barcelona):
    officer = client_for(officer_barcelona)
    officer.post(
        "/observatory/enter/",
        {
            "metro": "barcelona",
            "indicator": "pm10_annual_mean",
            "year": 2024,
            "sex": "total",
            "value": "22",
            "scale": "metro",
            "source": "ASPB",
        },
        HTTP_HOST="127.0.0.1",
    )
    obs = Observation.objects.get(year=2024, indicator__code="pm10_annual_mean")
    client = client_for(staff)
    assert "Barcelona" in client.get("/observatory/review/", HTTP_HOST="127.0.0.1").content.decode()
    client.post(
        "/observatory/review/", {"ids": [obs.pk], "action": "published"}, HTTP_HOST="127.0.0.1"
    )
    obs.refresh_from_db()
    assert obs.status == Status.PUBLISHED
    history = client.get(f"/observatory/values/{obs.pk}/history/", HTTP_HOST="127.0.0.1")
    assert "officer_barcelona" in history.content.decode()
    assert get(f"/observatory/values/{obs.pk}/history/", officer_barcelona).status_code == 403


@pytest.mark.parametrize(
    ("path", "most"),
    [
        ("/observatory/", 11),
        # national proxies: the countries' figures, names and members instead of latest values
        ("/observatory/indicators/life_expectancy_at_birth/", 15),  # + the series: metros, values
        ("/observatory/metros/", 2),
        ("/observatory/metros/barcelona/", 30),  # + the values' indicators, sources, batches
    ],
)
def test_query_counts_stay_flat(path, most, django_assert_max_num_queries):
    get(path)  # the metro page's peer arrays are cached per process after a first read
    with django_assert_max_num_queries(most):
        assert get(path).status_code == 200


def test_compare_three_metros_by_name_in_any_spelling():
    page = get("/observatory/compare/?metros=barcelona,Sao+Paulo,Tokyo").content.decode()
    assert page.count('<th scope="col" class="num"><a href="/observatory/metros/') == 3
    assert "Population of the urban centre" in page
    assert "National proxy" in page


def test_compare_offers_the_metros_a_shared_or_unknown_name_may_mean():
    page = get("/observatory/compare/?metros=Barcelona,Seoul,Xanadu-on-Sea").content.decode()
    assert "“Barcelona” names several metros. Which one?" in page
    # Each candidate is a link that puts its code in place of the name, keeping the others.
    assert 'href="/observatory/compare/?metros=barcelona%2C+Seoul%2C+Xanadu-on-Sea"' in page
    assert 'href="/observatory/compare/?metros=barcelona-ven%2C+Seoul%2C+Xanadu-on-Sea"' in page
    assert "code barcelona-ven" in page
    assert "No metro is called “Xanadu-on-Sea”." in page
    assert "column" not in page.lower()
    assert "Add at least one more metro." in page  # Seoul alone resolved


def test_compare_picks_are_offered_in_french_and_spanish():
    for lang, text in [("fr", "plusieurs métropoles"), ("es", "varias metrópolis")]:
        page = get(f"/{lang}/observatory/compare/?metros=Barcelona,Seoul").content.decode()
        assert text in page
        assert "barcelona-ven%2C+Seoul" in page


def test_compare_field_suggests_metros_for_the_last_name_typed():
    page = get("/observatory/suggest/metros/?metros=Seoul,+Barcel").content.decode()
    assert 'href="/observatory/compare/?metros=Seoul%2C+barcelona"' in page
    assert 'href="/observatory/compare/?metros=Seoul%2C+barcelona-ven"' in page
    assert "(ESP, code barcelona)" in page
    assert page.index("code barcelona)") < page.index("code barcelona-ven)")  # members first
    assert get("/observatory/suggest/metros/?metros=Seoul,+B").content.strip() == b""
    compare = get("/observatory/compare/").content.decode()
    assert 'hx-get="/observatory/suggest/metros/"' in compare
    french = get("/fr/observatory/suggest/metros/?metros=Barcel").content.decode()
    assert "des membres y opèrent" in french
    series = get(
        "/observatory/suggest/metros/?field=series&next=/observatory/indicators/pm25_annual_mean/"
        "&series=seoul,+Barcel"
    ).content.decode()
    assert 'href="/observatory/indicators/pm25_annual_mean/?series=seoul%2C+barcelona"' in series
    elsewhere = get("/observatory/suggest/metros/?next=https://evil.example/&metros=Barcel")
    assert "evil.example" not in elsewhere.content.decode()
    indicator = get("/observatory/indicators/pm25_annual_mean/").content.decode()
    assert "/observatory/suggest/metros/?field=series&amp;next=" in indicator


def test_gender_lens_gives_gap_and_ratio_from_the_values():
    page = get("/observatory/gender/").content.decode()
    assert "Life expectancy at birth" in page
    barcelona = {
        o.sex: o.value
        for o in Observation.objects.filter(
            metro__code="barcelona", indicator__code="life_expectancy_at_birth", year=2022
        )
    }
    gap = barcelona["male"] - barcelona["female"]
    assert f"{gap:.1f}" in page  # shown with the indicator's one decimal
    assert f"{barcelona['female'] / barcelona['male']:.3f}" in page


def test_coverage_shows_latest_years_and_gaps(django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        page = get("/observatory/coverage/").content.decode()
    assert "pm25_annual_mean" in page
    assert '<a href="/observatory/metros/victoria/">Victoria</a>' in page
    assert "no value" in page  # Victoria has no GHSL urban centre


def test_home_headline_table_averages_member_metros_in_the_reference_year():
    import numpy as np

    from metroscope.observatory import analytics, panel

    panel.clear()
    page = get("/observatory/").content.decode()
    rows = (
        Observation.objects.filter(
            indicator__code="pm25_annual_mean",
            sex="total",
            status=Status.PUBLISHED,
            metro__memberships__relation="own",
            year__lte=2026,
        )
        .values_list("metro_id", "year", "value")
        .distinct()
    )
    years = np.array([y for _, y, _ in rows])
    year = analytics.reference_year(years)
    values = [v for _, y, v in rows if y == year]
    mean = f"{sum(values) / len(values):,.1f}"
    assert f"<strong>{mean}</strong>" in page
    assert f"{len(values)} metros; values {years.min()}–{years.max()}" in page
    assert "35.1" in page  # the plan's own figure, quoted beside ours
    assert page.count('class="badge">plan headline</span></th>') == 6


def test_a_headline_average_of_national_proxies_counts_each_country_once():
    import numpy as np

    from metroscope.observatory import analytics, panel

    panel.clear()
    page = get("/observatory/").content.decode()
    rows = list(
        Observation.objects.filter(
            indicator__code="life_expectancy_at_birth",
            sex="total",
            status=Status.PUBLISHED,
            metro__memberships__relation="own",
            year__lte=2026,
        )
        .values_list("metro_id", "metro__country_iso3", "year", "value")
        .distinct()
    )
    year = analytics.reference_year(np.array([y for _, _, y, _ in rows]))
    by_country = {iso3: v for _, iso3, y, v in rows if y == year}
    per_metro = [v for _, _, y, v in rows if y == year]
    assert len(per_metro) > len(by_country)  # China's figure stands on many member metros
    mean = sum(by_country.values()) / len(by_country)
    assert f"<strong>{mean:,.1f}</strong>" in page
    assert f"{sum(per_metro) / len(per_metro):,.1f}" != f"{mean:,.1f}"
    assert "An average of national proxies counts each country once." in page


def test_a_headline_metric_without_data_says_so():
    from metroscope.observatory import panel

    Observation.objects.filter(indicator__code="own_revenue_share").delete()
    panel.clear()
    page = get("/observatory/").content.decode()
    assert "No data: no metro where members operate has a published value yet." in page


def test_featured_indicators_join_the_headline_table():
    from metroscope.observatory.models import Indicator

    Indicator.objects.filter(code="no2_annual_mean").update(featured=True)
    page = get("/observatory/").content.decode()
    headlines = page[page.index('id="headlines"') : page.index("Scale flags")]
    assert "/observatory/indicators/no2_annual_mean/" in headlines


def test_reference_values_show_on_indicator_and_metro_pages():
    indicator = get("/observatory/indicators/pm25_annual_mean/").content.decode()
    assert "WHO air quality guideline (2021), annual mean PM2.5: <strong>5.0</strong>" in indicator
    obs = Observation.objects.filter(
        metro__code="barcelona", indicator__code="pm25_annual_mean", status=Status.PUBLISHED
    ).latest("year")
    profile = get("/observatory/metros/barcelona/").content.decode()
    gap = f"+{obs.value - 5:.1f} µg/m³ — <strong>{'met' if obs.value <= 5 else 'not met'}"
    assert gap in profile
    api = client_for(None).get("/api/v1/metros/barcelona/profile", HTTP_HOST="127.0.0.1").json()
    row = next(r for r in api["indicators"] if r["indicator"] == "pm25_annual_mean")
    assert row["references"][0]["distance"] == pytest.approx(obs.value - 5)
    assert row["references"][0]["meets"] is (obs.value <= 5)


OFFICER_SOURCE = "Agència de Salut Pública de Barcelona, informe 2024"


def test_a_published_officer_value_shows_its_source_and_scale(officer_barcelona, staff):
    from metroscope.observatory.services import ValueInput, observation_enter, observation_review

    observation_enter(
        user=officer_barcelona,
        values=[
            ValueInput(
                metro="barcelona",
                indicator="pm25_annual_mean",
                year=2024,
                value=17.3,
                scale="core_city",
                source=OFFICER_SOURCE,
            )
        ],
    )
    obs = Observation.objects.get(
        metro__code="barcelona", indicator__code="pm25_annual_mean", year=2024
    )
    assert obs.source.publisher == ""  # an officer names a source; nobody filled a publisher
    observation_review(user=staff, observation_ids=[obs.pk], status=Status.PUBLISHED)
    page = get("/observatory/indicators/pm25_annual_mean/").content.decode()
    row = page[page.index('href="/observatory/metros/barcelona/"') :]
    row = row[: row.index("</tr>")]
    assert "17.3" in row
    assert "Core city" in row
    assert f'<td class="source">{OFFICER_SOURCE}</td>' in row.replace("&#x27;", "'")
    metro = get("/observatory/metros/barcelona/").content.decode()
    assert OFFICER_SOURCE in metro


def test_staff_see_an_unpublished_value_only_with_its_status_badge(officer_barcelona, staff):
    from metroscope.observatory.services import ValueInput, observation_enter

    observation_enter(
        user=officer_barcelona,
        values=[
            ValueInput(
                metro="barcelona",
                indicator="pm25_annual_mean",
                year=2025,
                value=16.9,
                source=OFFICER_SOURCE,
            )
        ],
    )
    staff_page = get("/observatory/metros/barcelona/", staff).content.decode()
    assert '<strong>16.9</strong> µg/m³ (2025) <span class="badge">Provisional</span>' in staff_page
    assert '<td class="num">16.9</td>' in staff_page
    public = get("/observatory/metros/barcelona/").content.decode()
    assert '<td class="num">16.9</td>' not in public
    assert "<strong>16.9</strong>" not in public


class CountingHandler(FileUploadHandler):
    """An upload handler placed after Django's: counts the bytes that reach them."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        CountingHandler.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


def test_an_oversize_import_is_dropped_while_received_not_after(staff, settings):
    """Issue 21: the web import checked the size only once the whole file was on disk."""
    settings.METROSCOPE_UPLOAD_MAX_BYTES = 1024
    settings.FILE_UPLOAD_HANDLERS = [
        "tests.observatory.test_views.CountingHandler",
        *settings.FILE_UPLOAD_HANDLERS,
    ]
    CountingHandler.received = 0
    row = b"barcelona,pm25_annual_mean,2024,10.25,ASPB\n"
    content = b"metro,indicator,year,value,source\n" + row * 20_000  # about 900 kB
    upload = SimpleUploadedFile("big.csv", content, content_type="text/csv")
    got = client_for(staff).post("/observatory/import/", {"file": upload}, HTTP_HOST="127.0.0.1")
    assert got.status_code == 400
    assert "“big.csv” is larger than" in got.content.decode()
    assert CountingHandler.received == 0  # not one byte reached the handlers that store files
