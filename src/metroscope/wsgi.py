"""WSGI entry point for gunicorn."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metroscope.settings")
application = get_wsgi_application()
# Import every view while the worker starts, not in the first request it serves after a
# restart (about 0.6 s; bench/shared_cache.py).
get_resolver().url_patterns  # noqa: B018 (evaluated for its imports)
