"""The pages moved from /programs/ to /events/ (issue 16): every old address answers 301 with
its new one, language prefix and query string kept."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, resolve

from metroscope.events import urls
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db


def example(pattern: URLPattern) -> str:
    """The route with a sample id: "<int:pk>/register/" → "7/register/"."""
    return str(pattern.pattern).replace("<int:pk>", "7")


def old_address(new: str) -> str:
    """Where a page of events/ was: registrations/… under /programs/, the rest under
    /programs/events/."""
    return f"/programs/{new}" if new.startswith("registrations/") else f"/programs/events/{new}"


@pytest.mark.parametrize("pattern", urls.urlpatterns, ids=lambda p: p.name)
def test_every_old_route_answers_301_with_its_new_one(pattern):
    new = f"/events/{example(pattern)}"
    response = Client().get(old_address(example(pattern)))
    assert (response.status_code, response["Location"]) == (301, new)
    assert resolve(new).url_name == pattern.name


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/programs/events/?type=training&when=past", "/events/?type=training&when=past"),
        ("/fr/programs/events/", "/fr/events/"),
        ("/es/programs/events/12/", "/es/events/12/"),
        ("/fr/programs/events/calendar.ics?type=training", "/fr/events/calendar.ics?type=training"),
        ("/es/programs/registrations/", "/es/events/registrations/"),
        (
            "/fr/programs/registrations/3/certificate.pdf",
            "/fr/events/registrations/3/certificate.pdf",
        ),
        ("/programs/", "/events/"),
        (
            "/admin/programs/event/5/change/?_changelist_filters=a%3D1",
            "/admin/events/event/5/change/?_changelist_filters=a%3D1",
        ),
    ],
)
def test_old_addresses_keep_their_language_and_query(old, new):
    response = Client().get(old)
    assert (response.status_code, response["Location"]) == (301, new)


def test_an_old_link_in_a_sent_email_lands_on_the_page():
    event = make_event()
    response = Client().get(f"/fr/programs/events/{event.pk}/", follow=True)
    assert response.redirect_chain == [(f"/fr/events/{event.pk}/", 301)]
    assert response.status_code == 200
    assert event.title in response.content.decode()


def test_the_redirect_stays_on_this_site_and_escapes_the_path():
    response = Client().get("/programs/events//evil.example.org/caf%C3%A9%20x/")
    assert (response.status_code, response["Location"]) == (
        301,
        "/events//evil.example.org/caf%C3%A9%20x/",
    )
