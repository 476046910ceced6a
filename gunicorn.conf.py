"""gunicorn's settings for `make run` and deployments, from the environment (docs/deploy.md)."""

import os

bind = os.environ.get("METROSCOPE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("METROSCOPE_WEB_WORKERS", "2"))
threads = int(os.environ.get("METROSCOPE_WEB_THREADS", "1"))
# Reports and whole-table downloads run on the task queue, so a request that takes longer
# than this is a fault: gunicorn ends it (and logs it) rather than hold a worker.
timeout = int(os.environ.get("METROSCOPE_WEB_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("METROSCOPE_WEB_GRACEFUL_TIMEOUT", "30"))
accesslog = os.environ.get("METROSCOPE_ACCESS_LOG", "-")
loglevel = os.environ.get("METROSCOPE_WEB_LOG_LEVEL", "warning")
