"""Issue 19: every page asked for /favicon.ico and got a 404; pages now link an SVG icon and
/favicon.ico leads to it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def test_the_icon_is_a_small_svg_in_the_headers_blue():
    path = finders.find("metroscope/favicon.svg")
    assert path
    root = ET.parse(path).getroot()  # noqa: S314  # our own file
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 32 32"
    fills = {element.get("fill") for element in root.iter()}
    assert "#083d6e" in fills  # header.site's background, --brand-dark in app.css
    css = finders.find("metroscope/app.css")
    assert "--brand-dark: #083d6e" in Path(css).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["/", "/fr/members/", "/es/plan/"])
def test_every_page_links_the_icon(path):
    html = Client().get(path).content.decode()
    assert '<link rel="icon" href="/static/metroscope/favicon.svg" type="image/svg+xml">' in html


def test_favicon_ico_answers_with_the_svg_instead_of_a_404():
    client = Client()
    response = client.get("/favicon.ico", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/static/metroscope/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)
