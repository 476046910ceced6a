"""Peer benchmarking latency on the SYNTHETIC scale set (random values, not real data).

    .venv/bin/python bench/peers.py [--database sqlite|postgres] [--requests 60]

Run `bench/observatory.py` first: it leaves the synthetic observations (13,000 metros × 40
indicators × 10 years × 3 sexes at full scale) in var/bench/observatory-bench.sqlite3 and in
the PostgreSQL database `metroscope_bench`. Through the API (Django test client, in process):

- metro profile against all metros (`/api/v1/metros/{code}/profile?peers=all`), p50/p95,
  against a straightforward pandas implementation over the same rows held in a DataFrame,
  measured in the same run (the ratio is the figure to beat: ≥ 20×);
- benchmarks of one indicator-year over all metros (`/api/v1/benchmarks`), p50/p95;
- metros like mine, k = 20 over the 40 indicators (`/api/v1/metros/{code}/similar`), p50/p95,
  checked against a brute-force loop for a few metros.
The first request of a process fills the per-process arrays (`observatory.panel`), and the first
benchmarks answer of each indicator-year is kept with them until the data change; those first
times are printed separately, the p50/p95 are the steady state. A time is the request until
its whole response body is built; the test client's decoding of the JSON is not counted (it
was in the first SQLite figures, and decoding a 2 MB benchmarks answer can take longer than
answering it). Floors (issue 4): profile p95 < 50 ms, benchmarks p95 < 30 ms, similar
p95 < 20 ms.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
URLS = {
    "sqlite": f"sqlite:///{ROOT / 'var' / 'bench' / 'observatory-bench.sqlite3'}",
    "postgres": "postgres://postgres@127.0.0.1:5432/metroscope_bench",
}


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def timed(func: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func(*args)
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=sorted(URLS), default="sqlite")
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = URLS[args.database]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metroscope.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import numpy as np
    import pandas as pd
    from django.db import transaction
    from django.test import Client

    from metroscope.observatory import analytics
    from metroscope.observatory.models import Indicator, Metro, Observation

    metros = list(
        Metro.objects.filter(synthetic=True).order_by("pk").values_list("code", flat=True)
    )
    indicators = list(
        Indicator.objects.filter(code__startswith="synthetic_indicator_")
        .order_by("code")
        .values_list("pk", "code")
    )
    if not metros or not Observation.objects.filter(metro__synthetic=True).exists():
        raise SystemExit("no synthetic observations: run bench/observatory.py first")
    print(
        f"SYNTHETIC data on {args.database}: {len(metros):,} metros, {len(indicators)} indicators"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    rng = random.Random(7)

    def request(path: str) -> Any:
        response = client.get(path)
        assert response.status_code == 200, (path, response.content[:200])
        return response

    # Timed: the request up to its complete response body, not the test client decoding it
    # (json.loads of a 2 MB benchmarks answer took 30 ms on a loaded machine).
    def get(path: str) -> Any:
        return request(path).json()

    # The machine may be shared: the load average says how much the figures were contended.
    print("load average (1, 5, 15 min) at start: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    cold, _ = timed(request, f"/api/v1/metros/{metros[0]}/profile?peers=all")
    print(f"first profile (fills the per-process arrays): {cold:,.0f} ms")

    profile_ms = [
        timed(request, f"/api/v1/metros/{rng.choice(metros)}/profile?peers=all")[0]
        for _ in range(args.requests)
    ]

    # The pandas baseline: the same published total values in one DataFrame (loaded before
    # timing), each profile computed by filtering it per indicator and ranking with pandas.
    rows = Observation.objects.filter(
        metro__synthetic=True, sex="total", status="published"
    ).values_list("metro_id", "indicator_id", "year", "value")
    # Inside a transaction PostgreSQL streams the cursor; outside one Django declares it WITH
    # HOLD, which materialises all 5 million rows before the first arrives.
    with transaction.atomic():
        frame = pd.DataFrame.from_records(
            rows.iterator(chunk_size=20000), columns=["metro", "indicator", "year", "value"]
        )
    ids = dict(Metro.objects.filter(synthetic=True).values_list("code", "pk"))

    def pandas_profile(code: str) -> list[tuple[int, float]]:
        mine = frame[frame["metro"] == ids[code]]
        result = []
        for indicator, own in mine.groupby("indicator"):
            latest = own.sort_values("year").iloc[-1]
            peers = frame[(frame["indicator"] == indicator) & (frame["year"] == latest["year"])]
            lower = (peers["value"] < latest["value"]).sum()
            equal = (peers["value"] == latest["value"]).sum()
            result.append((int(indicator), 100 * (lower + 0.5 * equal) / len(peers)))
        return result

    pandas_ms = [
        timed(pandas_profile, rng.choice(metros))[0] for _ in range(max(5, args.requests // 6))
    ]
    check = rng.choice(metros)
    ours = {
        r["indicator"]: r["percentile_rank"]
        for r in get(f"/api/v1/metros/{check}/profile?peers=all")["indicators"]
    }
    codes = dict(indicators)
    theirs = {codes[i]: r for i, r in pandas_profile(check)}
    assert all(abs(ours[k] - v) < 1e-9 for k, v in theirs.items()), "profile differs from pandas"

    years = sorted(set(frame["year"].unique().tolist()))
    cold_bench = [
        timed(request, f"/api/v1/benchmarks?indicator={code}&year={year}&peers=all")[0]
        for _, code in indicators
        for year in years
    ]
    first = statistics.median(cold_bench)
    print(f"benchmarks, first answer of each indicator-year: p50 {first:.1f} ms")
    bench_ms = [
        timed(
            request,
            f"/api/v1/benchmarks?indicator={rng.choice(indicators)[1]}&year={rng.choice(years)}&peers=all",
        )[0]
        for _ in range(args.requests)
    ]

    wanted = ",".join(code for _, code in indicators)
    get(f"/api/v1/metros/{metros[1]}/similar?k=20&indicators={wanted}")  # warm the 40 series
    similar_ms = [
        timed(request, f"/api/v1/metros/{rng.choice(metros)}/similar?k=20&indicators={wanted}")[0]
        for _ in range(args.requests)
    ]
    # Brute force over the same matrix for a few metros: the neighbours must be identical.
    newest = frame.sort_values("year").groupby(["metro", "indicator"]).tail(1)
    matrix_frame = newest.pivot(index="metro", columns="indicator", values="value")
    matrix_frame = matrix_frame[[pk for pk, _ in indicators]]
    matrix = matrix_frame.to_numpy(dtype=float)
    z = analytics.zscores(matrix)
    code_of = {pk: code for code, pk in ids.items()}
    for code in rng.sample(metros, 3):
        target = matrix_frame.index.get_loc(ids[code])
        brute = []
        for row in range(z.shape[0]):
            if row == target:
                continue
            both = np.isfinite(z[row]) & np.isfinite(z[target])
            if both.sum() * 2 < z.shape[1]:
                continue
            d = math.sqrt(float(((z[row] - z[target])[both] ** 2).sum()) * z.shape[1] / both.sum())
            brute.append((d, row))
        expected = [code_of[matrix_frame.index[row]] for _, row in sorted(brute)[:20]]
        got = [
            n["metro"]
            for n in get(f"/api/v1/metros/{code}/similar?k=20&indicators={wanted}")["neighbours"]
        ]
        assert got == expected, f"similar differs from brute force for {code}"

    def line(name: str, samples: list[float], floor: float | None) -> str:
        verdict = "" if floor is None else (" ok" if p95(samples) < floor else " FAIL")
        limit = "" if floor is None else f"   floor p95 < {floor:.0f} ms"
        return (
            f"{name:<44} p50 {statistics.median(samples):8.1f} ms   "
            f"p95 {p95(samples):8.1f} ms{verdict}{limit}"
        )

    print()
    print(line("profile, peers=all, 40 indicators", profile_ms, 50))
    print(line("pandas profile (same rows in a DataFrame)", pandas_ms, None))
    ratio = statistics.median(pandas_ms) / statistics.median(profile_ms)
    verdict = "ok" if ratio >= 20 else "FAIL"
    print(f"{'  pandas ÷ ours (medians)':<44} {ratio:8.1f}× {verdict}   floor ≥ 20×")
    print(line("benchmarks, one indicator-year, all metros", bench_ms, 30))
    print(line("similar, k=20 over 40 indicators", similar_ms, 20))
    print("similar = brute force for 3 random metros: ok")
    print("load average (1, 5, 15 min) at end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
