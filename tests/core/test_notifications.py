"""In-app notifications: one per recipient, texts translated when read (parameters too),
links in the reader's language, only one's own marked read (POST only), every change audited,
and the header's unread count with its accessible name."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from metroscope.core import notifications
from metroscope.core.models import Notification
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

ANSWER = "listening.answer"  # a kind an app registers: "The Secretariat answered … “%(subject)s”."
SURVEY = "listening.survey_invitation"  # its survey title is translated content


def send(user, kind=ANSWER, **params):
    params = params or {"subject": "Our CSV is refused"}
    return notifications.notification_send(
        recipients=[user], kind=kind, params=params, link="/listening/requests/7/"
    )


def test_each_recipient_gets_one_and_inactive_or_missing_people_none(officer_barcelona, staff):
    gone = make_user("gone")
    gone.is_active = False
    gone.save()
    made = notifications.notification_send(
        recipients=[officer_barcelona, staff, officer_barcelona, None, gone],
        kind=ANSWER,
        params={"subject": "x"},
    )
    assert sorted(n.recipient.username for n in made) == ["officer_barcelona", "staff"]
    assert Notification.objects.count() == 2


def test_an_unknown_kind_or_an_outside_link_is_refused_and_nothing_stored(officer_barcelona):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notifications.notification_send(recipients=[officer_barcelona], kind="listening.typo")
    with pytest.raises(ValueError, match="path on the site"):
        notifications.notification_send(
            recipients=[officer_barcelona], kind=ANSWER, link="https://evil.example/"
        )
    assert not Notification.objects.exists()


def test_the_text_is_translated_when_read_with_its_translated_parameters(officer_barcelona):
    (made,) = send(
        officer_barcelona,
        kind=SURVEY,
        survey={"en": "Priorities of the network", "fr": "Priorités du réseau"},
        member="Barcelona",
    )
    with translation.override("en"):
        assert notifications.notification_text(made) == (
            "You are invited to answer the survey “Priorities of the network” for Barcelona."
        )
    with translation.override("fr"):
        text = notifications.notification_text(made)
        assert "Priorités du réseau" in text
        assert "You are invited" not in text
    with translation.override("es"):  # no Spanish title: the English one, in a Spanish sentence
        text = notifications.notification_text(made)
        assert "Priorities of the network" in text
        assert "You are invited" not in text


def test_the_link_follows_the_readers_language(officer_barcelona):
    (made,) = send(officer_barcelona)
    for language, prefix in (("en", ""), ("fr", "/fr"), ("es", "/es")):
        with translation.override(language):
            assert notifications.notification_link(made) == f"{prefix}/listening/requests/7/"


def test_a_person_marks_only_her_own_notifications_read_and_each_change_is_audited(
    officer_barcelona, officer_seoul
):
    (mine,) = send(officer_barcelona)
    (theirs,) = send(officer_seoul)
    with pytest.raises(Notification.DoesNotExist):
        notifications.notification_mark_read(user=officer_barcelona, notification_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.read_at is None
    notifications.notification_mark_read(user=officer_barcelona, notification_id=mine.pk)
    mine.refresh_from_db()
    assert mine.read_at is not None
    last = mine.history.order_by("-history_date", "-history_id").first()
    assert (last.history_type, last.history_user) == ("~", officer_barcelona)
    assert mine.history.filter(history_type="+").count() == 1


def test_mark_all_read_touches_only_the_unread_of_that_person(officer_barcelona, officer_seoul):
    send(officer_barcelona)
    send(officer_barcelona)
    send(officer_seoul)
    assert notifications.unread_count(officer_barcelona) == 2
    assert notifications.notifications_mark_all_read(user=officer_barcelona) == 2
    assert notifications.notifications_mark_all_read(user=officer_barcelona) == 0
    assert notifications.unread_count(officer_barcelona) == 0
    assert notifications.unread_count(officer_seoul) == 1
    changed = Notification.history.filter(history_type="~", history_user=officer_barcelona)
    assert changed.count() == 2


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get("/me/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/me/notifications/")
    assert Client().post("/me/notifications/read/").status_code == 302


def test_the_list_shows_ones_own_in_the_readers_language(officer_barcelona, officer_seoul):
    send(officer_barcelona, subject="Our CSV is refused")
    send(officer_seoul, subject="Seoul's secret question")
    page = client_for(officer_barcelona).get("/fr/me/notifications/").content.decode()
    assert "Our CSV is refused" in page
    assert "Seoul's secret question" not in page
    assert 'href="/fr/listening/requests/7/"' in page
    assert "The Secretariat answered" not in page  # the sentence is in French


def test_marking_read_is_a_post_with_a_csrf_token(officer_barcelona, officer_seoul):
    (mine,) = send(officer_barcelona)
    (theirs,) = send(officer_seoul)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_barcelona)
    url = f"/me/notifications/{mine.pk}/read/"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no token
    page = client.get("/me/notifications/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    other = f"/me/notifications/{theirs.pk}/read/"
    assert client.post(other, {"csrfmiddlewaretoken": token}).status_code == 404


def test_the_header_names_the_unread_count(officer_barcelona):
    send(officer_barcelona)
    send(officer_barcelona)
    client = client_for(officer_barcelona)
    page = client.get("/about/").content.decode()
    assert 'aria-label="Notifications, 2 unread"' in page
    assert 'aria-label="Notifications, 0 unread"' not in page
    notifications.notifications_mark_all_read(user=officer_barcelona)
    assert 'aria-label="Notifications, 0 unread"' in client.get("/about/").content.decode()
    assert "Notifications," not in Client().get("/about/").content.decode()
