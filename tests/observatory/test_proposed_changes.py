"""A change proposed to a published value never hides it: the public, the downloads and the
benchmarks keep the published value until the Secretariat approves the change; the
Secretariat and the metro's officers see both side by side; rejecting leaves the published
value untouched; approving keeps the old one as a revision."""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metroscope.observatory import panel
from metroscope.observatory.imports import observation_import, outlier_ceiling
from metroscope.observatory.models import (
    Decision,
    Flag,
    ImportBatch,
    Indicator,
    Observation,
    ObservationRevision,
    ProposedValue,
    Status,
)
from metroscope.observatory.services import ValueInput, observation_enter, proposal_decide
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PM25 = "pm25_annual_mean"
YEARS = (2017, 2018, 2019)


@pytest.fixture(autouse=True)
def fresh_panel():
    panel.clear()
    yield
    panel.clear()


def seoul_pm25(year: int) -> Observation:
    return Observation.objects.get(metro__code="seoul", indicator__code=PM25, year=year)


def benchmark(year: int) -> dict:
    response = client_for(None).get(
        f"/api/v1/benchmarks?indicator={PM25}&year={year}&peers=members", HTTP_HOST="127.0.0.1"
    )
    assert response.status_code == 200
    return response.json()


def seoul_in(body: dict) -> float | None:
    return next((v["value"] for v in body["values"] if v["metro"] == "seoul"), None)


def import_seoul_provisional(tmp_path: Path, staff, values: tuple[float, ...]):
    path = tmp_path / "seoul.csv"
    lines = [f"seoul,{PM25},{y},{v}" for y, v in zip(YEARS, values, strict=True)]
    path.write_text("metro,indicator,year,value\n" + "\n".join(lines) + "\n")
    return observation_import(
        user=staff, path=path, status=Status.PROVISIONAL, source="Seoul Metropolitan Government"
    )


def test_a_provisional_import_for_published_keys_keeps_the_public_figures(tmp_path, staff):
    before = {y: seoul_pm25(y) for y in YEARS}
    assert all(o.status == Status.PUBLISHED for o in before.values())
    counts = {y: benchmark(y)["stats"]["count"] for y in YEARS}
    panel.clear()

    result = import_seoul_provisional(tmp_path, staff, (141.5, 142.5, 143.5))

    assert (result.created, result.updated, result.proposed, result.unchanged) == (0, 0, 3, 0)
    assert result.batch is not None
    assert result.batch.proposed == 3
    for year, obs in before.items():
        now = seoul_pm25(year)
        assert (now.value, now.status, now.source_id, now.batch_id) == (
            obs.value,
            Status.PUBLISHED,
            obs.source_id,
            obs.batch_id,
        )
        body = benchmark(year)
        assert body["stats"]["count"] == counts[year]
        assert seoul_in(body) == obs.value
    assert not ObservationRevision.objects.filter(observation__in=before.values()).exists()
    proposals = ProposedValue.objects.filter(observation__in=before.values())
    assert sorted(p.value for p in proposals) == [141.5, 142.5, 143.5]
    assert {p.decision for p in proposals} == {Decision.PENDING}
    assert {p.proposed_by for p in proposals} == {staff}

    page = client_for(None).get("/observatory/metros/seoul/").content.decode()
    assert "142.5" not in page
    assert "Changes waiting for review" not in page
    api = client_for(None).get(f"/api/v1/observations?metro=seoul&indicator={PM25}").json()
    assert {r["year"]: r["value"] for r in api["items"] if r["year"] in YEARS} == {
        y: o.value for y, o in before.items()
    }


def test_the_same_proposal_twice_is_unchanged_and_a_new_one_replaces_it(tmp_path, staff):
    import_seoul_provisional(tmp_path, staff, (141.5, 142.5, 143.5))
    again = import_seoul_provisional(tmp_path, staff, (141.5, 142.5, 143.5))
    assert (again.proposed, again.unchanged) == (0, 3)
    newer = import_seoul_provisional(tmp_path, staff, (141.5, 142.5, 144.0))
    assert (newer.proposed, newer.unchanged) == (1, 2)
    pending = ProposedValue.objects.filter(
        observation=seoul_pm25(2019), decision=Decision.PENDING
    ).get()
    assert pending.value == 144.0
    assert pending.batch == newer.batch


def test_restating_the_published_value_proposes_nothing(tmp_path, staff):
    published = [seoul_pm25(y) for y in YEARS]
    path = tmp_path / "same.csv"
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["metro", "indicator", "year", "value", "scale", "source", "note"])
        out.writerows(
            ["seoul", PM25, o.year, o.value, o.scale, o.source.code, o.note] for o in published
        )
    result = observation_import(user=staff, path=path, status=Status.PROVISIONAL)
    assert (result.proposed, result.unchanged) == (0, 3)
    assert not ProposedValue.objects.exists()


def officer_proposes(officer) -> ProposedValue:
    result = observation_enter(
        user=officer,
        values=[
            ValueInput(
                metro="seoul",
                indicator=PM25,
                year=2019,
                value=131.4,
                scale="core_city",
                source="Seoul Metropolitan Government, Air Quality Report 2019",
            )
        ],
    )
    assert (result.created, result.updated, result.proposed) == (0, 0, 1)
    return ProposedValue.objects.get(observation=seoul_pm25(2019), decision=Decision.PENDING)


def test_officers_proposed_change_is_shown_beside_the_published_value(
    officer_seoul, officer_barcelona, staff
):
    proposal = officer_proposes(officer_seoul)
    assert seoul_pm25(2019).value == 25.0
    assert seoul_pm25(2019).status == Status.PUBLISHED

    for user in (officer_seoul, staff):
        page = client_for(user).get("/observatory/metros/seoul/").content.decode()
        section = page[page.index("Changes waiting for review") :]
        assert '<td class="num">25.0 <span' in section  # published
        assert "131.4" in section  # proposed
        assert "+106.4" in section  # the difference
        assert "Seoul Metropolitan Government, Air Quality Report 2019" in section
    for user in (None, officer_barcelona):
        page = client_for(user).get("/observatory/metros/seoul/").content.decode()
        assert "Changes waiting for review" not in page
        assert "131.4" not in page

    review = client_for(staff).get("/observatory/review/").content.decode()
    assert f'name="proposals" value="{proposal.pk}"' in review
    assert "+106.4" in review
    assert client_for(officer_seoul).get("/observatory/review/").status_code in (302, 403)


def test_rejecting_a_change_leaves_the_published_value(officer_seoul, staff):
    proposal = officer_proposes(officer_seoul)
    before = seoul_pm25(2019)
    response = client_for(staff).post(
        "/observatory/review/", {"proposals": [proposal.pk], "proposal_action": "reject"}
    )
    assert response.status_code == 302
    after = seoul_pm25(2019)
    assert (after.value, after.status, after.batch_id, after.updated_at) == (
        before.value,
        before.status,
        before.batch_id,
        before.updated_at,
    )
    assert not ObservationRevision.objects.filter(observation=after).exists()
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.decided_by) == (Decision.REJECTED, staff)
    assert seoul_in(benchmark(2019)) == 25.0


def test_approving_a_change_publishes_it_and_keeps_the_old_value_as_a_revision(
    officer_seoul, staff
):
    proposal = officer_proposes(officer_seoul)
    before = seoul_pm25(2019)
    benchmark(2019)  # warm the peer arrays: the approval must make them stale
    assert proposal_decide(user=staff, proposal_ids=[proposal.pk], approve=True) == 1
    after = seoul_pm25(2019)
    assert (after.value, after.status, after.updated_by) == (131.4, Status.PUBLISHED, staff)
    assert after.source.title == "Seoul Metropolitan Government, Air Quality Report 2019"
    revision = ObservationRevision.objects.get(observation=after)
    assert (revision.value, revision.status, revision.source_id) == (
        before.value,
        Status.PUBLISHED,
        before.source_id,
    )
    proposal.refresh_from_db()
    assert proposal.decision == Decision.APPROVED
    assert proposal.decided_batch is not None
    assert proposal.decided_batch.kind == "review"
    assert seoul_in(benchmark(2019)) == 131.4
    history = client_for(staff).get(f"/observatory/values/{after.pk}/history/").content.decode()
    assert "Approved" in history
    # Deciding again does nothing: only pending proposals are decided.
    assert proposal_decide(user=staff, proposal_ids=[proposal.pk], approve=False) == 0


def test_only_the_secretariat_decides(officer_seoul):
    proposal = officer_proposes(officer_seoul)
    with pytest.raises(PermissionDenied):
        proposal_decide(user=officer_seoul, proposal_ids=[proposal.pk], approve=True)
    proposal.refresh_from_db()
    assert proposal.decision == Decision.PENDING


def test_a_value_far_past_the_published_distribution_imports_provisional_to_check(tmp_path, staff):
    no2 = Indicator.objects.get(code="no2_annual_mean")
    ceiling = outlier_ceiling(no2)
    assert ceiling is not None
    low, high = no2.valid_range()
    assert ceiling < high  # within the hard range, far past what is published
    suspicious = round((ceiling + high) / 2, 1)
    path = tmp_path / "no2.csv"
    path.write_text(
        "metro,indicator,year,value\n"
        "barcelona,no2_annual_mean,2024,35.2\n"
        f"barcelona,no2_annual_mean,2025,{suspicious}\n"
    )
    preview = observation_import(
        user=staff, path=path, source="Agència de Salut Pública", dry_run=True
    )
    assert preview.flagged == 1
    (check,) = preview.checks
    assert (check.row, check.column) == (3, "value")
    assert "99th percentile" in check.reason
    result = observation_import(user=staff, path=path, source="Agència de Salut Pública")
    assert result.created == 2
    fine = Observation.objects.get(metro__code="barcelona", indicator=no2, year=2024)
    odd = Observation.objects.get(metro__code="barcelona", indicator=no2, year=2025)
    assert (fine.status, fine.flags) == (Status.PUBLISHED, "")
    assert (odd.status, odd.flags) == (Status.PROVISIONAL, Flag.CHECK_VALUE)
    review = client_for(staff).get("/observatory/review/").content.decode()
    assert "Check this value" in review
    # Publishing it is the check the flag asked for.
    client_for(staff).post("/observatory/review/", {"ids": [odd.pk], "action": "published"})
    odd.refresh_from_db()
    assert (odd.status, odd.flags) == (Status.PUBLISHED, "")
    assert ImportBatch.objects.filter(kind="review").exists()


def test_the_review_queue_reads_proposals_in_constant_queries(tmp_path, staff):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_for(staff).get("/observatory/review/").status_code == 200
        return len(captured)

    path = tmp_path / "one.csv"
    path.write_text(f"metro,indicator,year,value\nseoul,{PM25},2017,141.5\n")
    observation_import(user=staff, path=path, status=Status.PROVISIONAL, source="Seoul")
    assert ProposedValue.objects.filter(decision=Decision.PENDING).count() == 1
    one = queries()
    import_seoul_provisional(tmp_path, staff, (141.5, 142.5, 143.5))
    assert ProposedValue.objects.filter(decision=Decision.PENDING).count() == 3
    assert queries() == one


def test_the_migration_puts_back_published_values_an_earlier_import_hid(staff):
    """Before proposals, a provisional value replaced the published one through the writer:
    the published state went to a revision. The migration restores it and turns the
    provisional value into a pending proposal."""
    migration = importlib.import_module("metroscope.observatory.migrations.0006_proposed_values")
    obs = seoul_pm25(2018)
    published = (obs.value, obs.source_id, obs.scale, obs.note)
    batch = ImportBatch.objects.create(kind="file", user=staff, status=Status.PROVISIONAL)
    with connection.cursor() as cur:  # the old writer's effect: revision, then replace
        cur.execute(
            "INSERT INTO observatory_observationrevision (observation_id, value, scale, "
            "source_id, status, note, flags, batch_id, written_at, written_by_id, replaced_at, "
            "replaced_by_id, replaced_by_batch_id) SELECT id, value, scale, source_id, status, "
            "note, flags, batch_id, updated_at, updated_by_id, updated_at, %s, %s "
            "FROM observatory_observation WHERE id = %s",
            [staff.pk, batch.pk, obs.pk],
        )
    Observation.objects.filter(pk=obs.pk).update(
        value=99.5, scale="metro", status=Status.PROVISIONAL, note="", batch=batch, updated_by=staff
    )
    assert seoul_pm25(2018).status == Status.PROVISIONAL

    migration.restore_published(django_apps, None)

    restored = seoul_pm25(2018)
    assert (restored.value, restored.source_id, restored.scale, restored.note) == published
    assert restored.status == Status.PUBLISHED
    assert not ObservationRevision.objects.filter(observation=restored).exists()
    proposal = ProposedValue.objects.get(observation=restored)
    assert (proposal.value, proposal.decision, proposal.proposed_by) == (
        99.5,
        Decision.PENDING,
        staff,
    )
    assert seoul_in(benchmark(2018)) == published[0]


def api_post(path: str, payload, user):
    return client_for(user).post(
        path, data=json.dumps(payload), content_type="application/json", HTTP_HOST="127.0.0.1"
    )


def test_the_api_proposes_lists_and_decides_changes(officer_seoul, officer_barcelona, staff):
    payload = [{"metro": "seoul", "indicator": PM25, "year": 2019, "value": 131.4, "source": "SMG"}]
    written = api_post("/api/v1/observations", payload, officer_seoul)
    assert written.status_code == 200
    assert (written.json()["updated"], written.json()["proposed"]) == (0, 1)
    assert seoul_pm25(2019).value == 25.0

    listed = client_for(officer_seoul).get("/api/v1/observations/proposals?metro=seoul")
    (item,) = listed.json()
    assert (item["published_value"], item["value"], item["difference"]) == (25.0, 131.4, 106.4)
    assert item["proposed_by"] == "officer_seoul"
    assert client_for(None).get("/api/v1/observations/proposals?metro=seoul").status_code == 401
    other = client_for(officer_barcelona).get("/api/v1/observations/proposals?metro=seoul")
    assert other.status_code == 403
    assert client_for(officer_seoul).get("/api/v1/observations/proposals").status_code == 403
    assert len(client_for(staff).get("/api/v1/observations/proposals").json()) == 1

    decide = {"ids": [item["id"]], "decision": "approve"}
    assert (
        api_post("/api/v1/observations/proposals/decide", decide, officer_seoul).status_code == 403
    )
    done = api_post("/api/v1/observations/proposals/decide", decide, staff)
    assert done.json() == {"decided": 1}
    assert seoul_pm25(2019).value == 131.4
