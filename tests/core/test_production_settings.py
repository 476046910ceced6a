"""A production host refuses to start without what every host must share."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHECK = (
    "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
)


def start(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("METROSCOPE_")}
    base.pop("DATABASE_URL", None)
    base |= {"DJANGO_SETTINGS_MODULE": "metroscope.settings", "METROSCOPE_VAR": str(tmp_path)}
    return subprocess.run(  # noqa: S603  (this interpreter, a fixed script)
        [sys.executable, "-c", CHECK], env=base | env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({}, "needs METROSCOPE_SECRET_KEY, METROSCOPE_ALLOWED_HOSTS, DATABASE_URL"),
        (
            {"METROSCOPE_SECRET_KEY": "k" * 50, "METROSCOPE_ALLOWED_HOSTS": "metroscope.org"},
            "needs DATABASE_URL",
        ),
        (
            {
                "METROSCOPE_SECRET_KEY": "k" * 50,
                "METROSCOPE_ALLOWED_HOSTS": "metroscope.org",
                "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
            },
            "needs a PostgreSQL DATABASE_URL",
        ),
        (
            {
                "METROSCOPE_SECRET_KEY": "k" * 50,
                "METROSCOPE_ALLOWED_HOSTS": "metroscope.org",
                "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/metroscope",
            },
            "needs REDIS_URL",
        ),
        (
            {
                "METROSCOPE_SECRET_KEY": "k" * 50,
                "METROSCOPE_ALLOWED_HOSTS": "metroscope.org",
                "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/metroscope",
                "REDIS_URL": "redis://127.0.0.1:6379/15",
            },
            "needs METROSCOPE_S3_BUCKET or a METROSCOPE_MEDIA_ROOT that every host mounts",
        ),
    ],
)
def test_production_refuses_to_start_without_shared_settings(tmp_path, env, says):
    started = start(tmp_path, METROSCOPE_PRODUCTION="1", **env)
    assert started.returncode != 0
    assert says in started.stderr
    assert not (tmp_path / "secret_key").exists()  # no key of its own made on this host


@pytest.mark.parametrize(
    "media",
    [{"METROSCOPE_MEDIA_ROOT": "/srv/metroscope/media"}, {"METROSCOPE_S3_BUCKET": "metroscope"}],
)
def test_production_starts_with_them(tmp_path, media):
    started = start(
        tmp_path,
        METROSCOPE_PRODUCTION="1",
        METROSCOPE_SECRET_KEY="k" * 50,
        METROSCOPE_ALLOWED_HOSTS="metroscope.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/metroscope",
        REDIS_URL="redis://127.0.0.1:6379/15",
        **media,
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "k" * 50
    assert not (tmp_path / "secret_key").exists()
