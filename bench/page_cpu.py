"""CPU time of each page of the load benchmark's mix, in process: what a request costs the
server whatever else the machine runs (bench/load.py's times grow with the machine's load).

    .venv/bin/python bench/page_cpu.py [--rounds 10]

Runs on the database of the environment (the checkout's var/ after `make setup`, or
METROSCOPE_VAR / DATABASE_URL), through Django's test client with `Accept-Encoding: gzip`, after
two uncounted requests per page; prints the process's CPU milliseconds per request (median of
`--rounds`) and what two cores would serve of the mix if the server did nothing else.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metroscope.settings")
os.environ.setdefault("METROSCOPE_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("METROSCOPE_RATE_LIMITS", "0")
os.environ.setdefault("METROSCOPE_LOG_FORMAT", "text")
django.setup()

from common import PAGES  # noqa: E402  (bench/ is the script's folder)
from django.test import Client  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    costs = {}
    for name, path in PAGES.items():
        for _ in range(2):
            client.get(path)
        times = []
        for _ in range(args.rounds):
            started = time.process_time()
            response = client.get(path)
            times.append((time.process_time() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"{path} answered {response.status_code}")
        costs[name] = statistics.median(times)
        print(f"{name:28} {costs[name]:7.1f} ms of CPU  ({len(response.content):,} bytes sent)")
    mean = statistics.fmean(costs.values())
    print(f"mean over the mix: {mean:.1f} ms of CPU a request: at most {2000 / mean:.0f} req/s on")
    print("two cores doing nothing else (gunicorn, the client and the static file not counted)")


if __name__ == "__main__":
    main()
