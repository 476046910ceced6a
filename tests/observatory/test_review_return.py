"""Review with context and return with a comment: the queue shows names, unit, scale, source,
the previous published value and the change; staff publish or return the chosen values; the
person who entered them hears of it in the app and by e-mail, sees the comment, corrects the
value and it comes back to the queue. Every step keeps its batch and the value's revision."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import translation

from metroscope.core import notifications
from metroscope.core.models import Notification
from metroscope.observatory import selectors, services
from metroscope.observatory.models import (
    BatchKind,
    ImportBatch,
    Observation,
    ObservationRevision,
    Status,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PM10 = "pm10_annual_mean"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a service as its own transaction would: e-mails go out when it commits."""

    def committed(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return committed


def enter(user, value: float, year: int = 2024) -> Observation:
    services.observation_enter(
        user=user,
        values=[
            services.ValueInput(
                metro="barcelona",
                indicator=PM10,
                year=year,
                value=value,
                source="Agència de Salut Pública de Barcelona",
            )
        ],
    )
    return Observation.objects.get(metro__code="barcelona", indicator__code=PM10, year=year)


def test_return_needs_a_comment_and_changes_nothing_without_one(staff, officer_barcelona):
    obs = enter(officer_barcelona, 31.0)
    batches = ImportBatch.objects.count()
    for comment in ("", "   "):
        with pytest.raises(ValueError, match="comment"):
            services.observation_return(user=staff, observation_ids=[obs.pk], comment=comment)
    with pytest.raises(ValueError, match="under 2000"):
        services.observation_return(user=staff, observation_ids=[obs.pk], comment="x" * 2001)
    obs.refresh_from_db()
    assert obs.status == Status.PROVISIONAL
    assert ImportBatch.objects.count() == batches
    assert not Notification.objects.exists()


def test_only_the_secretariat_returns_or_publishes(officer_barcelona, board_member):
    obs = enter(officer_barcelona, 31.0)
    for user in (officer_barcelona, board_member):
        with pytest.raises(PermissionDenied):
            services.observation_return(user=user, observation_ids=[obs.pk], comment="Check")
        with pytest.raises(PermissionDenied):
            services.observation_review(user=user, observation_ids=[obs.pk], status="published")
    obs.refresh_from_db()
    assert obs.status == Status.PROVISIONAL


def test_returned_then_corrected_then_published(staff, officer_barcelona, commit):
    officer_barcelona.email = "officer@barcelona.example"
    officer_barcelona.save()
    obs = enter(officer_barcelona, 310.0)

    changed = commit(
        services.observation_return,
        user=staff,
        observation_ids=[obs.pk],
        comment="310 µg/m³ looks like a unit slip; the ASPB reports about 31.",
    )
    assert changed == 1
    obs.refresh_from_db()
    assert obs.status == Status.RETURNED
    assert obs.batch.kind == BatchKind.REVIEW
    assert obs.batch.note.startswith("310 µg/m³ looks like a unit slip")
    assert obs.batch.user == staff
    before = ObservationRevision.objects.get(observation=obs)
    assert (before.status, before.value, before.written_by) == (
        Status.PROVISIONAL,
        310.0,
        officer_barcelona,
    )
    assert obs not in selectors.pending_review()
    # in the app and by e-mail, with the comment
    (note,) = Notification.objects.filter(recipient=officer_barcelona)
    assert note.kind == "observatory.returned"
    with translation.override("en"):
        text = notifications.notification_text(note)
    assert "Annual mean PM10 concentration" in text
    assert "unit slip" in text
    (sent,) = mail.outbox
    assert sent.to == ["officer@barcelona.example"]
    assert "unit slip" in sent.body
    assert "/me/#returned" in sent.body
    # she sees it, with the comment, in My Metroscope; Seoul's officer does not
    assert [o.pk for o in selectors.officer_values(officer_barcelona).returned] == [obs.pk]

    # she corrects it: provisional again, back in the queue
    corrected = enter(officer_barcelona, 31.0)
    assert corrected.pk == obs.pk
    assert (corrected.status, corrected.value) == (Status.PROVISIONAL, 31.0)
    assert corrected in selectors.pending_review()

    mail.outbox.clear()
    assert (
        commit(
            services.observation_review,
            user=staff,
            observation_ids=[obs.pk],
            status=Status.PUBLISHED,
        )
        == 1
    )
    obs.refresh_from_db()
    assert obs.status == Status.PUBLISHED
    published = Notification.objects.filter(recipient=officer_barcelona).order_by("-pk").first()
    assert published.kind == "observatory.published"
    assert published.link == "/me/#published"
    assert len(mail.outbox) == 1
    assert [o.pk for o in selectors.officer_values(officer_barcelona).published] == [obs.pk]
    # three revisions: entered → returned → corrected → published
    assert ObservationRevision.objects.filter(observation=obs).count() == 3


def test_a_returned_value_is_not_published_until_corrected(staff, officer_barcelona):
    obs = enter(officer_barcelona, 31.0)
    services.observation_return(user=staff, observation_ids=[obs.pk], comment="Which year?")
    assert (
        services.observation_review(user=staff, observation_ids=[obs.pk], status=Status.PUBLISHED)
        == 0
    )
    obs.refresh_from_db()
    assert obs.status == Status.RETURNED
    with pytest.raises(ValueError, match="waiting for review"):
        services.observation_return(user=staff, observation_ids=[obs.pk], comment="Again")


def test_staff_own_values_and_the_open_data_notify_nobody(staff, commit):
    obs = enter(staff, 31.0)
    commit(services.observation_review, user=staff, observation_ids=[obs.pk], status="published")
    assert not Notification.objects.exists()
    assert not mail.outbox


def test_the_previous_value_is_the_latest_earlier_published_one(officer_barcelona):
    published = Observation.objects.filter(
        metro__code="barcelona", indicator__code=PM10, sex="total", status=Status.PUBLISHED
    ).order_by("-year")
    latest = published.first()
    assert latest is not None, "the open data has Barcelona's PM10"
    obs = enter(officer_barcelona, latest.value + 2.5, year=latest.year + 1)
    (row,) = selectors.with_previous([obs])
    assert row.previous.pk == latest.pk
    assert row.change == pytest.approx(2.5)
    assert row.change_percent == pytest.approx(250 / latest.value)
    # a year before any published one has nothing to compare with
    first = published.last()
    early = enter(officer_barcelona, 40.0, year=first.year - 1)
    (row,) = selectors.with_previous([early])
    assert (row.previous, row.change, row.change_percent) == (None, None, None)


def test_the_queue_shows_names_units_scale_previous_value_and_select_all(staff, officer_barcelona):
    latest = (
        Observation.objects.filter(
            metro__code="barcelona", indicator__code=PM10, sex="total", status=Status.PUBLISHED
        )
        .order_by("-year")
        .first()
    )
    obs = enter(officer_barcelona, 31.0, year=latest.year + 1)
    page = client_for(staff).get("/observatory/review/").content.decode()
    assert "Annual mean PM10 concentration" in page
    assert "µg/m³" in page
    assert f"({latest.year})" in page
    assert "Metro</td>" in page  # the scale the value describes
    assert 'data-select-all="ids"' in page
    assert f'aria-label="Choose Barcelona, Annual mean PM10 concentration, {obs.year}"' in page
    french = client_for(staff).get("/fr/observatory/review/").content.decode()
    assert "Annual mean PM10 concentration" not in french  # the indicator's French name


def test_the_page_returns_with_a_comment_and_keeps_the_choice_without_one(staff, officer_barcelona):
    obs = enter(officer_barcelona, 31.0)
    client = client_for(staff)
    refused = client.post("/observatory/review/", {"ids": [obs.pk], "action": "returned"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'role="alert"' in page
    assert f'value="{obs.pk}" id="obs-{obs.pk}" checked' in page
    obs.refresh_from_db()
    assert obs.status == Status.PROVISIONAL
    done = client.post(
        "/observatory/review/",
        {"ids": [obs.pk], "action": "returned", "comment": "Which station?"},
    )
    assert done.status_code == 302
    obs.refresh_from_db()
    assert (obs.status, obs.batch.note) == (Status.RETURNED, "Which station?")
    listed = client.get("/observatory/review/").content.decode()
    assert "Which station?" in listed  # under "Returned for correction"


def test_the_correction_form_starts_from_the_returned_value(
    staff, officer_barcelona, officer_seoul
):
    obs = enter(officer_barcelona, 310.0)
    services.observation_return(user=staff, observation_ids=[obs.pk], comment="Unit slip?")
    url = f"/observatory/enter/?metro=barcelona&indicator={PM10}&year={obs.year}&sex=total"
    page = client_for(officer_barcelona).get(url).content.decode()
    assert "Unit slip?" in page
    assert 'value="310.0"' in page
    other = client_for(officer_seoul).get(url).content.decode()
    assert "Unit slip?" not in other


def test_the_api_returns_values_with_a_comment(staff, officer_barcelona):
    obs = enter(officer_barcelona, 31.0)
    client = client_for(staff)
    url = "/api/v1/observations/review"
    missing = client.post(
        url, {"ids": [obs.pk], "status": "returned"}, content_type="application/json"
    )
    assert missing.status_code == 400
    assert "comment" in missing.json()["detail"]
    done = client.post(
        url,
        {"ids": [obs.pk], "status": "returned", "comment": "Which station?"},
        content_type="application/json",
    )
    assert done.json() == {"changed": 1}
    obs.refresh_from_db()
    assert obs.status == Status.RETURNED
