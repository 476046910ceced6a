"""core.sources: a higher floor adds rows to a lower floor's figures; core.links: absolute
links from METROSCOPE_SITE_URL."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings

from metroscope.core import sources
from metroscope.core.links import absolute_url


def test_providers_give_their_rows_in_order_and_a_name_registers_once():
    slot = "tests.rows"
    sources.register_source(slot, "b", lambda **kw: [("b", kw["year"])], order=2)
    sources.register_source(slot, "a", lambda **kw: [("a-old", kw["year"])], order=1)
    sources.register_source(slot, "a", lambda **kw: [("a", kw["year"])], order=1)
    assert sources.collect(slot, year=2023) == [("a", [("a", 2023)]), ("b", [("b", 2023)])]
    assert sources.collect("tests.nobody") == []


def test_events_registers_the_plans_people_sources():
    registered = {name for _o, name, _p in sources._SOURCES["plan.participants"]}
    assert registered == {"events.attended"}
    assert {name for _o, name, _p in sources._SOURCES["plan.speakers"]} == {"events.speakers"}


def test_the_site_url_defaults_to_the_local_server_and_makes_absolute_links():
    assert settings.METROSCOPE_SITE_URL == "http://127.0.0.1:8000"
    with override_settings(METROSCOPE_SITE_URL="https://metroscope.example.org/"):
        assert absolute_url("/fr/x/") == "https://metroscope.example.org/fr/x/"
