"""Static files as the site serves them after `collectstatic` (issue 20): hashed names cached a
year, brotli or gzip copies, at most 350 kB of JavaScript and CSS per page once compressed, and
Vega only on pages that draw a chart; pages themselves gzipped; and a checkout where
collectstatic has not run still starts."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

BUDGET = 350_000  # bytes of JavaScript and CSS per page, as sent compressed
YEAR = 365 * 24 * 60 * 60
ASSET = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)=["'](/static/[^"']+)["']""")
HASHED = re.compile(r"\.[0-9a-f]{12}\.(js|css|svg)$")
PAGES = [
    "/",
    "/observatory/",
    "/observatory/indicators/population_urban_centre/",
    "/fr/observatory/indicators/population_urban_centre/?all=1",
    "/observatory/metros/barcelona/",
    "/members/barcelona-city/",
]


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> Iterator[Path]:
    """The static files built as `make setup` builds them (the site's own apps; the admin's and
    the API docs' files are left out to keep the test short), and served from there."""
    root = tmp_path_factory.mktemp("static")
    storage = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    with override_settings(
        STATIC_ROOT=root,
        STATIC_MANIFEST=True,
        STATIC_MANIFEST_FILE=root / "staticfiles.json",
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": storage},
        },
        WHITENOISE_USE_FINDERS=False,
    ):
        call_command(
            "collectstatic",
            interactive=False,
            verbosity=0,
            ignore_patterns=["admin", "ninja", "django_htmx", "modeltranslation"],
        )
        yield root


def assets(html: str) -> list[str]:
    return [url for url in ASSET.findall(html) if url.endswith((".js", ".css"))]


def test_pages_name_hashed_files_that_browsers_keep_a_year(manifest):
    client = Client()
    html = client.get("/observatory/indicators/population_urban_centre/").content.decode()
    urls = ASSET.findall(html)
    assert any("vendor/vega.min." in url for url in urls)
    for url in urls:
        assert HASHED.search(url), url
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response.status_code == 200, url
        cache = response["Cache-Control"]
        assert "immutable" in cache, url
        assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= YEAR, url


def test_static_files_come_compressed_as_the_browser_accepts(manifest):
    client = Client()
    html = client.get("/").content.decode()
    css = next(url for url in assets(html) if url.endswith(".css"))
    plain = b"".join(client.get(css).streaming_content)
    brotli = client.get(css, HTTP_ACCEPT_ENCODING="gzip, br")
    assert brotli["Content-Encoding"] == "br"
    gzipped = client.get(css, HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(gzipped.streaming_content)) == plain
    assert int(brotli["Content-Length"]) < int(gzipped["Content-Length"]) < len(plain) / 2


@pytest.mark.parametrize("encoding", ["gzip, deflate, br", "gzip"])
@pytest.mark.parametrize("path", PAGES)
def test_javascript_and_css_per_page_within_budget_as_sent(manifest, path, encoding):
    client = Client()
    page = client.get(path, HTTP_HOST="127.0.0.1")
    assert page.status_code == 200
    sent = 0
    for url in assets(page.content.decode()):
        response = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
        assert response.status_code == 200, url
        sent += int(response["Content-Length"])
    assert sent <= BUDGET, f"{path}: {sent:,} bytes of JavaScript and CSS ({encoding})"


def test_the_budget_counts_the_chart_bundle(manifest):
    client = Client()
    page = client.get("/observatory/indicators/population_urban_centre/")
    sent = sum(
        int(client.get(url, HTTP_ACCEPT_ENCODING="gzip")["Content-Length"])
        for url in assets(page.content.decode())
    )
    assert sent > 200_000  # Vega is counted, so the budget check can fail


@pytest.mark.parametrize(
    "path",
    [
        "/observatory/",
        "/members/",
        "/observatory/metros/barcelona/",
    ],
)
def test_pages_without_a_chart_load_no_vega(path):
    html = Client().get(path).content.decode()
    assert 'data-chart="' not in html
    assert "vega" not in html


@pytest.mark.parametrize(
    "path", ["/", "/observatory/indicators/population_urban_centre/", "/members/barcelona-city/"]
)
def test_pages_that_draw_a_chart_load_vega(path):
    html = Client().get(path).content.decode()
    assert 'data-chart="' in html
    assert "vendor/vega.min." in html
    assert html.index('data-chart="') < html.index("vendor/vega.min.")


def test_pages_are_gzipped_when_the_client_accepts_it():
    client = Client()
    plain = client.get("/observatory/indicators/population_urban_centre/?all=1")
    assert "Content-Encoding" not in plain
    zipped = client.get(
        "/observatory/indicators/population_urban_centre/?all=1", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    body = gzip.decompress(zipped.content)
    assert body.startswith(b"<!doctype html>")
    assert len(zipped.content) < len(plain.content) / 5
    api = client.get("/api/v1/indicators", HTTP_ACCEPT_ENCODING="gzip")
    assert api["Content-Encoding"] == "gzip"
    assert gzip.decompress(api.content).startswith(b"[{")


SETTINGS = "from metroscope import settings as s; print(s.STATIC_MANIFEST, s.STATIC_ROOT)"


def static_settings(var: Path, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("METROSCOPE_")}
    base |= {"METROSCOPE_VAR": str(var)}
    done = subprocess.run(  # noqa: S603  (this interpreter, a fixed script)
        [sys.executable, "-c", SETTINGS], env=base | env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_manifest_is_used_once_collectstatic_has_made_it(tmp_path):
    # A fresh checkout (no var/static yet) starts on the apps' folders instead of failing.
    assert static_settings(tmp_path) == f"False {tmp_path / 'static'}"
    (tmp_path / "static" / "staticfiles.json").write_text("{}")
    assert static_settings(tmp_path) == f"True {tmp_path / 'static'}"
    assert static_settings(tmp_path, METROSCOPE_STATIC_MANIFEST="0").startswith("False")


def test_check_warns_when_the_manifest_is_asked_for_but_missing(tmp_path):
    from metroscope.core.checks import static_manifest_built

    missing = tmp_path / "staticfiles.json"
    with override_settings(STATIC_MANIFEST=True, STATIC_MANIFEST_FILE=missing):
        assert [m.id for m in static_manifest_built()] == ["metroscope.W001"]
        missing.write_text("{}")
        assert static_manifest_built() == []
