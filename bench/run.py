"""Benchmarks of the foundation's hot reads, each against a baseline measured in the same run.

Run with `make bench` (uses the database of DATABASE_URL, SQLite in var/ by default, after
`make setup` has loaded the open data). Prints medians and the ratio baseline / ours.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metroscope.settings")
os.environ.setdefault("METROSCOPE_ALLOWED_HOSTS", "testserver")
django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from metroscope.members import selectors  # noqa: E402
from metroscope.members.models import Member  # noqa: E402

ROUNDS = 30


def median_ms(func: Callable[[], object], rounds: int = ROUNDS) -> float:
    func()  # warm caches and connections
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def naive_directory_rows() -> list[tuple[str, str, str]]:
    # Baseline: what a view without select_related does: one query per member for country
    # and one more for its region (the N+1 the query-count tests forbid).
    return [(m.name, m.country.name, m.country.region.name) for m in Member.objects.all()]


def selector_directory_rows() -> list[tuple[str, str, str]]:
    return [(m.name, m.country.name, m.country.region.name) for m in selectors.member_list()]


def main() -> None:
    setup_test_environment()
    client = Client()
    count = Member.objects.count()
    results = [
        (
            "directory rows: N+1 baseline vs member_list selector",
            naive_directory_rows,
            selector_directory_rows,
        ),
    ]
    print(f"members in the database: {count}; {ROUNDS} rounds each; median milliseconds")
    for label, baseline, ours in results:
        base_ms = median_ms(baseline)
        ours_ms = median_ms(ours)
        print(
            f"{label}: baseline {base_ms:.2f} ms, ours {ours_ms:.2f} ms, "
            f"ratio {base_ms / ours_ms:.1f}x"
        )
    for path in ["/", "/members/", "/members/barcelona-city/", "/plan/", "/api/v1/plan"]:
        ms = median_ms(lambda p=path: client.get(p))
        print(f"GET {path}: {ms:.2f} ms")


if __name__ == "__main__":
    main()
