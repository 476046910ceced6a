"""Metroscope settings: everything that differs between machines comes from the environment."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from metroscope.core.env import envbool, envint, envlist, envstr

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(envstr("METROSCOPE_HOME", str(PACKAGE_DIR.parent.parent)))
VAR_DIR = Path(envstr("METROSCOPE_VAR", str(BASE_DIR / "var")))
DATA_DIR = Path(envstr("METROSCOPE_DATA", str(BASE_DIR / "data")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


# A production deployment (several hosts behind a proxy) sets METROSCOPE_PRODUCTION=1: it then
# refuses to start without what every host must share (the secret key, the host names, one
# PostgreSQL database), instead of making a key of its own in one host's var/.
PRODUCTION = envbool("METROSCOPE_PRODUCTION", False)
if PRODUCTION:
    _missing = [
        name
        for name in ("METROSCOPE_SECRET_KEY", "METROSCOPE_ALLOWED_HOSTS", "DATABASE_URL")
        if not envstr(name)
    ]
    if _missing:
        raise ImproperlyConfigured(
            "METROSCOPE_PRODUCTION=1 needs " + ", ".join(_missing) + " (see docs/deploy.md)."
        )
    if not envstr("DATABASE_URL").startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            "METROSCOPE_PRODUCTION=1 needs a PostgreSQL DATABASE_URL: SQLite is one host's file."
        )
    # What would otherwise stay on one host: Django's cache (sign-in rate limits' counters, the
    # figures) in each process, and the media (jobs' files, uploads) in one host's var/media.
    if not envstr("REDIS_URL"):
        raise ImproperlyConfigured(
            "METROSCOPE_PRODUCTION=1 needs REDIS_URL: without it each process keeps its own "
            "cache (rate-limit counters, figures) (see docs/deploy.md)."
        )
    if not (envstr("METROSCOPE_S3_BUCKET") or envstr("METROSCOPE_MEDIA_ROOT")):
        raise ImproperlyConfigured(
            "METROSCOPE_PRODUCTION=1 needs METROSCOPE_S3_BUCKET or a METROSCOPE_MEDIA_ROOT that "
            "every host mounts: files made on one host (reports, uploads) must be found by all "
            "(see docs/deploy.md)."
        )


def _secret_key() -> str:
    key = envstr("METROSCOPE_SECRET_KEY")
    if key:
        return key
    # A per-installation key kept out of the repository, created once.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("METROSCOPE_DEBUG", False)
ALLOWED_HOSTS = envlist("METROSCOPE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("METROSCOPE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",  # the task queue's database backend: its table and its `db_worker`
    "metroscope.core",
    "metroscope.members",
    "metroscope.plan",
    "metroscope.observatory",
    "metroscope.exchange",
    "metroscope.accountability",
    "metroscope.listening",
    "metroscope.events",
    "metroscope.awards",
    "metroscope.community",
    "metroscope.portal",
]

MIDDLEWARE = [
    "metroscope.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Keeps anonymous pages as they are sent, compressed or not (core.page_cache); its other
    # half, FetchPageMiddleware, answers from it once the language is known.
    "metroscope.core.page_cache.StorePageMiddleware",
    # Pages and API answers gzipped when the client accepts it (a page of 500 values: 290 kB
    # to about 30 kB). Below WhiteNoise, which answers static files with the compressed copies
    # collectstatic made; above every middleware that reads or rewrites a body (the API's error
    # shape), so it compresses what they leave. Secrets in a compressed page (BREACH): Django
    # masks the CSRF token anew on every response, and GZipMiddleware pads its output with
    # random bytes (Heal The Breach), so repeated requests learn nothing from the sizes.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "metroscope.core.middleware.PreferredLanguageMiddleware",
    "metroscope.core.middleware.ApiLanguageMiddleware",
    "metroscope.core.page_cache.FetchPageMiddleware",
    # Inside the language middleware (its messages are translated), outside everything that
    # may answer an API request with a page instead of the API's error shape.
    "metroscope.core.middleware.ApiErrorShapeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "metroscope.core.middleware.RateLimitMiddleware",
    "metroscope.core.middleware.BadParameterMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "metroscope.urls"
WSGI_APPLICATION = "metroscope.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "metroscope.core.context_processors.site",
            ],
        },
    }
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'metroscope.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", _default_sqlite), conn_max_age=envint("METROSCOPE_CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer work at the same time; a writer waits up to 20 s
    # for the lock (Python's default, 5 s, made a request fail with "database is locked" while
    # another process's import was writing on a busy machine: found by `make fuzz`).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in (the site's and the back office's) while locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "me"  # My Metroscope; a `next` the sign-in page was given wins
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr", "es")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "Europe/Madrid"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Static files are served from STATIC_ROOT with content-hashed names and gzip and brotli copies
# made once (whitenoise's CompressedManifestStaticFilesStorage), so browsers keep them a year
# (whitenoise sends `immutable` for hashed names) and a page's Vega weighs what its brotli copy
# weighs. `metroscope collectstatic` builds them: `make setup` (and so `make run`) runs it, and
# so must a deployment. METROSCOPE_STATIC_MANIFEST=1 requires them (production; `metroscope
# check` says when the manifest is missing), 0 serves the apps' own static folders as they are
# (uncompressed, a 60-second cache); unset, the manifest is used once collectstatic has made it,
# so a checkout where it has not run still starts. The tests serve the apps' folders
# (tests/conftest.py) and try the manifest on a collectstatic of their own.
STATIC_MANIFEST_FILE = STATIC_ROOT / "staticfiles.json"
STATIC_MANIFEST = envbool("METROSCOPE_STATIC_MANIFEST", STATIC_MANIFEST_FILE.exists())
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Pages name only hashed files, so the unhashed copies are not kept (half the files to
# compress), and source maps (ninja's API docs: 5 MB) are not compressed: no page loads them,
# and compressing them took most of collectstatic's time.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
MEDIA_ROOT = Path(envstr("METROSCOPE_MEDIA_ROOT", str(VAR_DIR / "media")))
# Media (jobs' files, attachments, award and group documents) in an S3 bucket (django-storages)
# when METROSCOPE_S3_BUCKET is set, so that every host and worker reads what another wrote.
# Objects stay private: the site serves each file through its own views, which check access.
# Without the key pair, boto3 finds credentials itself (AWS_* variables, an instance role).
S3_BUCKET = envstr("METROSCOPE_S3_BUCKET")
if S3_BUCKET:
    _bucket: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": envstr("METROSCOPE_S3_ENDPOINT_URL") or None,
            "access_key": envstr("METROSCOPE_S3_ACCESS_KEY_ID") or None,
            "secret_key": envstr("METROSCOPE_S3_SECRET_ACCESS_KEY") or None,
            "region_name": envstr("METROSCOPE_S3_REGION") or None,
            "location": envstr("METROSCOPE_S3_PREFIX"),
            "default_acl": None,  # the bucket's own (private) policy
            "querystring_auth": True,  # a URL to an object, if one is ever made, expires
            "file_overwrite": False,  # a second file of the same name gets its own, as on disk
        },
    }
    STORAGES["default"] = _bucket

SESSION_COOKIE_HTTPONLY = True
# A deployment served over HTTPS sets METROSCOPE_HTTPS=1: plain HTTP is redirected, browsers are
# told to use HTTPS only (HSTS) and cookies travel over HTTPS only. Behind a proxy that ends
# TLS, METROSCOPE_PROXY_SSL_HEADER names the header it sets (e.g. HTTP_X_FORWARDED_PROTO).
HTTPS = envbool("METROSCOPE_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = envint("METROSCOPE_HSTS_SECONDS", 365 * 24 * 60 * 60 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("METROSCOPE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = envbool("METROSCOPE_HSTS_PRELOAD", HTTPS)
if envstr("METROSCOPE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (envstr("METROSCOPE_PROXY_SSL_HEADER"), "https")
SESSION_COOKIE_SECURE = envbool("METROSCOPE_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The reader's language, chosen in the header's switcher: kept a year (Django's default ends
# with the browser session), then it sends her unprefixed visits to that language's pages.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every response (django-csp): scripts only from our own static
# files (charts run Vega's expression interpreter, not eval), no framing except the chart
# embeds (observatory.indicator_views), no plug-ins. Inline style attributes stay allowed:
# vega-embed and a few templates set them, and styles cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Sign-in throttling (django-axes), on the site's sign-in page and the back office's alike:
# after METROSCOPE_LOGIN_FAILURE_LIMIT wrong passwords for one user name, or from one address,
# that name or address is refused for METROSCOPE_LOGIN_COOLOFF_MINUTES. Every attempt is kept
# (Access attempts, logs and failures in the back office), where the Secretariat unlocks one
# early by deleting its attempts.
AXES_FAILURE_LIMIT = envint("METROSCOPE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("METROSCOPE_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts are counted in the database (django-axes' default, named here): every host sees them.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "metroscope.core.views.login_locked"
# How many reverse proxies stand in front (each adds to X-Forwarded-For): the client's address
# for lockouts and rate limits is the one the outermost proxy saw (core.middleware).
METROSCOPE_PROXY_COUNT = envint("METROSCOPE_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "metroscope.core.middleware.client_address"
AXES_VERBOSE = False

# Per-client limits on expensive endpoints anyone may call (core.middleware.RateLimitMiddleware
# with django-ratelimit's counters in the cache): requests per minute per address, per group of
# URL names. Past the limit: 429 with Retry-After, JSON for the API.
RATELIMIT_ENABLE = envbool("METROSCOPE_RATE_LIMITS", True)
METROSCOPE_RATE_LIMITS = {
    "downloads": (
        f"{envint('METROSCOPE_DOWNLOADS_PER_MINUTE', 10)}/m",
        (
            "observatory:download",
            "accountability:iati",
            "accountability:report_pdf",
            "accountability:accounts_export",
            "api-v1:download_observations",
        ),
    ),
    "expensive": (
        f"{envint('METROSCOPE_EXPENSIVE_PER_MINUTE', 60)}/m",
        (
            "observatory:compare",
            "observatory:rankings",
            "exchange:search",
            "exchange:feed",
            "exchange:feed_all",
            "api-v1:get_benchmarks",
            "api-v1:search_solutions",
            "api-v1:list_observations",
        ),
    ),
}

# The task queue (django-tasks; core.jobs): reports, whole-table downloads and e-mails run off the
# web request. By default its database backend, whose worker (`metroscope worker`) `make run`
# starts beside the web server; with REDIS_URL, RQ on Redis, with `metroscope worker` on any
# number of hosts; METROSCOPE_TASKS=immediate runs each task inside the request that asks (the
# tests, a one-process trial).
REDIS_URL = envstr("REDIS_URL")
_tasks = envstr("METROSCOPE_TASKS", "rq" if REDIS_URL else "database")
if _tasks not in ("database", "rq", "immediate"):
    raise ValueError(f"METROSCOPE_TASKS is database, rq or immediate, not {_tasks!r}")
if _tasks == "rq" and not REDIS_URL:
    raise ValueError("METROSCOPE_TASKS=rq needs REDIS_URL")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[_tasks]
    }
}
# With REDIS_URL, Django's cache is Redis, shared by every process and host (rate limits…);
# without it, each process keeps its own (Django's local-memory cache). The Observatory's peer
# arrays then go to their own alias (observatory.figures: built once by a task, read by all).
_REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": _REDIS_CACHE, "LOCATION": REDIS_URL},
        "figures": {
            "BACKEND": _REDIS_CACHE,
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "figures",
        },
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whole pages and API answers kept for anonymous visitors (core.page_cache), keyed by the
# site's content version and kept at most this many seconds; 0 turns it off. Without
# REDIS_URL each process keeps its own (at most 500 entries).
METROSCOPE_PAGE_CACHE_SECONDS = envint("METROSCOPE_PAGE_CACHE_SECONDS", 60)
CACHES["pages"] = (
    CACHES["default"]
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
)
# A job's progress written while its work holds a transaction open (an import's rows read),
# which no other database connection could see before the end (core.jobs.Running.progress):
# in Redis with REDIS_URL, else in files under var/ that the web server and the worker of this
# host both read.
CACHES["jobs"] = (
    CACHES["default"]
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "jobs"),
    }
)
METROSCOPE_FIGURES_CACHE = "figures" if REDIS_URL else ""
if _tasks == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}

# Every e-mail goes through the task queue (core.mail); its worker sends with this backend.
METROSCOPE_EMAIL_DELIVERY_BACKEND = envstr(
    "METROSCOPE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_BACKEND = "metroscope.core.mail.QueuedEmailBackend"
# The address people reach the site at: absolute links in e-mails and PDFs start with it.
METROSCOPE_SITE_URL = envstr("METROSCOPE_SITE_URL", "http://127.0.0.1:8000")

# Apps whose records secretariat staff may manage in the back office (Django admin).
METROSCOPE_SECRETARIAT_APPS = [
    "axes",  # sign-in attempts and lockouts: the Secretariat reads them and unlocks
    "members",
    "plan",
    "accountability",
    "observatory",
    "exchange",
    "listening",
    "events",
    "awards",
]

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# Logs: one JSON object per line on standard error (METROSCOPE_LOG_FORMAT=text for plain
# lines), each with the request's id, path and user (core.logs). Metroscope's own lines (imports,
# jobs, e-mail batches, reindexing) from INFO; Django's from WARNING, which includes a line for
# every refused (403) or missing (404) page.
LOG_FORMAT = envstr("METROSCOPE_LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "metroscope.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": envstr("METROSCOPE_LOG_LEVEL", "WARNING")},
    "loggers": {
        "metroscope": {"level": envstr("METROSCOPE_APP_LOG_LEVEL", "INFO")},
        "django_tasks": {"level": envstr("METROSCOPE_APP_LOG_LEVEL", "INFO")},
    },
}

# Opt-in error reporting: with SENTRY_DSN, unhandled errors go to Sentry (sentry-sdk).
SENTRY_DSN = envstr("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, traces_sample_rate=0.0)  # errors only; no personal data

# Observatory imports: files above this size are refused before being read (default 1 GiB),
# and an .xlsx may not unpack to more than this many bytes (zip bombs).
METROSCOPE_IMPORT_MAX_BYTES = envint("METROSCOPE_IMPORT_MAX_BYTES", 1024**3)
METROSCOPE_IMPORT_MAX_XLSX_UNCOMPRESSED = envint(
    "METROSCOPE_IMPORT_MAX_XLSX_UNCOMPRESSED", 256 * 1024**2
)
# Uploads through the web page are capped lower than the command line.
METROSCOPE_UPLOAD_MAX_BYTES = envint("METROSCOPE_UPLOAD_MAX_BYTES", 100 * 1024**2)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024**2
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024**2
# A solution's image or PDF in the exchange: larger files are refused while being received.
METROSCOPE_ATTACHMENT_MAX_BYTES = envint("METROSCOPE_ATTACHMENT_MAX_BYTES", 10 * 1024**2)
