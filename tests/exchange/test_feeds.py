"""RSS and Atom feeds of newly published solutions: valid XML, published solutions only."""

from __future__ import annotations

import datetime as dt

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from metroscope.exchange.feeds import ITEMS
from metroscope.exchange.models import Solution, SolutionStatus
from tests.conftest import client_for
from tests.exchange.conftest import make_solution

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def get(path: str):
    return client_for(None).get(path, HTTP_HOST="127.0.0.1")


def test_rss_of_all_solutions_is_valid_and_newest_first():
    make_solution(slug="newest", published_at=timezone.now() + dt.timedelta(days=1))
    response = get("/exchange/feed/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "rss"
    items = root.findall("channel/item")
    assert len(items) == ITEMS
    assert items[0].findtext("title") == "Test solution of the suite (Barcelona)"
    assert items[0].findtext("link") == "http://127.0.0.1/exchange/solutions/newest/"
    assert items[0].findtext("description") == "A summary written by the test suite."


def test_atom_of_a_collection_lists_its_published_solutions_only(draft):
    make_solution(slug="also-use", title="Another USE solution")
    Solution.objects.filter(pk=draft.pk).update(status=SolutionStatus.SUBMITTED)
    response = get("/exchange/collections/use/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    titles = {entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")}
    assert titles == {"The Sharing City, Seoul (Seoul)", "Another USE solution (Barcelona)"}
    assert (
        root.findtext(f"{ATOM}title")
        == "Urban Solutions Exchange (USE) — urban solutions — Metroscope"
    )


def test_french_feed_speaks_french():
    root = ElementTree.fromstring(get("/fr/exchange/collections/guangzhou-award/feed/rss/").content)
    assert root.find("channel").findtext("language") == "fr"
    assert root.find("channel").findtext("title").startswith("Prix de Guangzhou")


@pytest.mark.parametrize(
    "path",
    [
        "/exchange/feed/json/",
        "/exchange/collections/nope/feed/rss/",
        "/exchange/collections/use/feed/xml/",
    ],
)
def test_unknown_feed_is_404(path):
    assert get(path).status_code == 404
