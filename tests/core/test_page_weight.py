"""JavaScript per page: at most 350 kB gzipped (issue 4), and every script served locally."""

from __future__ import annotations

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

BUDGET = 350_000  # bytes of JavaScript after gzip, external files and inline scripts together
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
SRC = re.compile(r"""\bsrc=["']([^"']+)["']""")

PAGES = [
    "/",
    "/members/",
    "/plan/",
    "/observatory/",
    "/observatory/indicators/pm25_annual_mean/",
    "/observatory/indicators/population_urban_centre/?all=1",
    "/observatory/metros/",
    "/observatory/metros/barcelona/",
    "/observatory/compare/?metros=barcelona,seoul,tokyo",
    "/observatory/gender/",
    "/observatory/coverage/",
    "/observatory/embed/indicators/pm25_annual_mean/map/",
    "/exchange/",
    "/exchange/collections/guangzhou-award/",
    "/exchange/solutions/the-sharing-city-seoul/",
]


def javascript_bytes(html: str) -> tuple[int, list[str]]:
    """Gzipped bytes of the page's scripts, and the sources that are not local."""
    total, remote = 0, []
    for attrs, body in SCRIPT.findall(html):
        if "application/json" in attrs or "application/ld+json" in attrs:
            continue  # data (e.g. chart specs), not code
        found = SRC.search(attrs)
        if found is None:
            total += len(gzip.compress(body.encode()))
            continue
        src = found.group(1)
        if not src.startswith(settings.STATIC_URL):
            remote.append(src)
            continue
        path = finders.find(src.removeprefix(settings.STATIC_URL).split("?")[0])
        assert path, f"{src} is not a static file"
        with open(path, "rb") as fh:
            total += len(gzip.compress(fh.read()))
    return total, remote


@pytest.mark.parametrize("path", PAGES)
def test_javascript_per_page_stays_within_budget(path):
    response = client_for(None).get(path, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    total, remote = javascript_bytes(response.content.decode())
    assert remote == []
    assert total <= BUDGET, f"{path}: {total:,} bytes of gzipped JavaScript"


def test_the_budget_check_counts_what_a_chart_page_loads():
    html = (
        client_for(None)
        .get("/observatory/indicators/pm25_annual_mean/", HTTP_HOST="127.0.0.1")
        .content.decode()
    )
    total, _ = javascript_bytes(html)
    assert total > 200_000  # the Vega bundle is counted, so the budget check can fail
