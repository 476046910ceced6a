"""Exchange search benchmark on SYNTHETIC solutions (generated text, not real).

    .venv/bin/python bench/search.py [--solutions 100000] [--database sqlite|postgres|both]
                                     [--rounds 20] [--reuse] [--pg-database NAME]

1. For each database, in its own process (Django settings are per process), on a dedicated
   database (SQLite var/bench/search-bench.sqlite3, PostgreSQL `metroscope_search_bench` on
   127.0.0.1), recreated unless `--reuse` finds one made by the same generator: migrate, load
   the open data (collections, plan themes, countries), then add N synthetic solutions —
   `synthetic=True`, slugs `synthetic-…`, contact "SYNTHETIC benchmark data, not real" — with
   text made here from word lists and sentence templates in English, French and Spanish
   (seeded: both databases get the same solutions), 3% of them drafts, each with a title and
   summary translated into the two other languages (as the seed solutions), titles of ~8
   words, summaries of ~50, descriptions of ~300; then rebuild the search index (timed) and,
   on PostgreSQL, VACUUM ANALYZE.
2. Measures `exchange.search.search()` — hits with highlights, total and every facet counted
   over the matching set, as the page and the API call it — for fixed queries in the three
   languages, without filters and with two facet filters, `--rounds` times each after one
   warm-up; and the plain baseline in the same run: `icontains` OR-ed over title, summary and
   description (first page by date and the count).
3. Prints p50/p95 against the floors, the ratio baseline ÷ ours, French and Spanish queries
   against English ones, and whether both databases find the same set of solutions for every
   query (their order may differ: each ranks with its own engine); writes
   var/bench/search-results.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import finish, percentiles, recreate, say, tag, time_rounds

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
RESULTS = BENCH_DIR / "search-results.json"
SQLITE_FILE = BENCH_DIR / "search-bench.sqlite3"
# `--pg-database` names another (e.g. one's own on a shared server); workers get it in the env
PG_DATABASE = os.environ.get("SEARCH_BENCH_PG_DATABASE", "metroscope_search_bench")
DATABASE_URLS = {
    "sqlite": f"sqlite:///{SQLITE_FILE}",
    "postgres": f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}",
}
SEED = 20261126
GENERATOR_VERSION = 2  # 2: every solution in three languages
LABEL = "SYNTHETIC benchmark data, not real"
FLOORS = {"p95_ms": 50.0, "p95_filtered_ms": 50.0, "ratio": 20.0, "cross": 2.0, "reindex_s": 300.0}
QUERIES = [
    "affordable housing",
    "flood resilience",
    "electric buses",
    "waste recycling",
    "logements sociaux",
    "mobilité durable",
    "qualité de l'air",
    "agua potable",
    "viviendas asequibles",
    "espacios verdes",
    "participation",
]
FILTERS = {"region": ["europe"], "theme": ["T-SUS"]}
ENGLISH = QUERIES[:4]  # same language as most solutions' own text
OTHER = QUERIES[4:10]  # French and Spanish: found through translations and labels too

# --- the synthetic text ---------------------------------------------------------------------------

TOPICS: dict[str, dict[str, str]] = {
    "housing": {
        "en": "housing houses house homes affordable rent tenants social dwellings "
        "neighbourhood renovation homelessness shelter",
        "fr": "logement logements loyer locataires sociaux habitat quartier rénovation "
        "abordables sans-abri hébergement habitations",
        "es": "vivienda viviendas alquiler inquilinos sociales barrio rehabilitación "
        "asequibles hogares techo albergue habitacional",
    },
    "water": {
        "en": "water drinking sanitation flood floods flooding drainage rainwater rivers "
        "resilience storms wastewater",
        "fr": "eau potable assainissement inondation inondations drainage pluie rivière "
        "résilience tempêtes usées nappes",
        "es": "agua potable saneamiento inundación inundaciones drenaje lluvia ríos "
        "resiliencia tormentas residuales acuíferos",
    },
    "mobility": {
        "en": "mobility transport buses electric cycling bicycles pedestrians metro tram "
        "traffic streets commuting",
        "fr": "mobilité transports bus électriques vélo vélos piétons métro tramway "
        "circulation rues durable",
        "es": "movilidad transporte autobuses eléctricos bicicleta bicicletas peatones metro "
        "tranvía tráfico calles sostenible",
    },
    "waste": {
        "en": "waste recycling recycled compost landfill circular plastics collection "
        "reuse sorting garbage",
        "fr": "déchets recyclage recyclés compost décharge circulaire plastiques collecte "
        "réemploi tri ordures",
        "es": "residuos reciclaje reciclados compost vertedero circular plásticos recogida "
        "reutilización separación basura",
    },
    "air": {
        "en": "air pollution emissions quality monitoring sensors health particulate "
        "clean breathing",
        "fr": "air pollution émissions qualité surveillance capteurs santé particules "
        "propre respiration",
        "es": "aire contaminación emisiones calidad monitoreo sensores salud partículas "
        "limpio respiración",
    },
    "green": {
        "en": "green parks trees gardens biodiversity spaces heat shade nature urban forest",
        "fr": "verts parcs arbres jardins biodiversité espaces chaleur ombre nature forêt",
        "es": "verdes parques árboles jardines biodiversidad espacios calor sombra naturaleza "
        "bosque",
    },
    "health": {
        "en": "health clinics vaccination vaccines hospitals nurses care patients "
        "prevention epidemic",
        "fr": "santé cliniques vaccination vaccins hôpitaux infirmières soins patients "
        "prévention épidémie",
        "es": "salud clínicas vacunación vacunas hospitales enfermeras atención pacientes "
        "prevención epidemia",
    },
    "digital": {
        "en": "digital data platform open online services app smart citizens government",
        "fr": "numérique données plateforme ouvertes ligne services application citoyens",
        "es": "digital datos plataforma abiertos línea servicios aplicación ciudadanos",
    },
    "gender": {
        "en": "women gender equality girls safety violence leadership inclusion",
        "fr": "femmes genre égalité filles sécurité violences leadership inclusion",
        "es": "mujeres género igualdad niñas seguridad violencia liderazgo inclusión",
    },
    "participation": {
        "en": "participation participatory budget residents consultation democracy "
        "assemblies engagement",
        "fr": "participation participatif budget habitants consultation démocratie "
        "assemblées engagement",
        "es": "participación participativo presupuesto vecinos consulta democracia "
        "asambleas compromiso",
    },
    "energy": {
        "en": "energy solar renewable efficiency buildings heating electricity power",
        "fr": "énergie solaire renouvelable efficacité bâtiments chauffage électricité",
        "es": "energía solar renovable eficiencia edificios calefacción electricidad",
    },
    "food": {
        "en": "food markets farmers agriculture nutrition hunger kitchens local",
        "fr": "alimentation marchés agriculteurs agriculture nutrition faim cuisines locale",
        "es": "alimentación mercados agricultores agricultura nutrición hambre cocinas local",
    },
}
GENERAL = {
    "en": "city cities urban metropolitan project programme local government municipality "
    "public policy plan community people services strategy development new network pilot "
    "initiative partners results years support model access training area areas level "
    "implementation cooperation funding international regional scheme tool approach",
    "fr": "ville villes urbain métropolitain projet programme local gouvernement commune "
    "politique publique plan communauté personnes services stratégie développement nouveau "
    "réseau pilote initiative partenaires résultats années soutien modèle accès formation "
    "zone territoire mise œuvre coopération financement international régional outil",
    "es": "ciudad ciudades urbano metropolitano proyecto programa local gobierno municipio "
    "política pública plan comunidad personas servicios estrategia desarrollo nuevo red "
    "piloto iniciativa socios resultados años apoyo modelo acceso formación zona área "
    "implementación cooperación financiación internacional regional herramienta",
}
GLUE = {
    "en": "the of and to in for with a by on through more than its their",
    "fr": "le la les de des et pour dans avec un une par sur plus leur",
    "es": "el la los las de del y para en con un una por sobre más su",
}
OPENERS = {
    "en": ["The city", "This programme", "Since its launch, the project", "Residents and"],
    "fr": ["La ville", "Ce programme", "Depuis son lancement, le projet", "Les habitants et"],
    "es": ["La ciudad", "Este programa", "Desde su lanzamiento, el proyecto", "Los vecinos y"],
}
TITLES = {
    "en": ["{a} and {b} for {c}", "A {a} {b} programme", "{c}: {a} {b} in every district"],
    "fr": ["{a} et {b} pour {c}", "Un programme de {a} {b}", "{c} : {a} {b} dans les quartiers"],
    "es": ["{a} y {b} para {c}", "Un programa de {a} {b}", "{c}: {a} {b} en los barrios"],
}


class Writer:
    """Seeded text in one of three languages about one to three topics."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.topic = {t: {k: v.split() for k, v in by.items()} for t, by in TOPICS.items()}
        self.general = {k: v.split() for k, v in GENERAL.items()}
        self.glue = {k: v.split() for k, v in GLUE.items()}

    def word(self, lang: str, topics: list[str]) -> str:
        r = self.rng.random()
        if r < 0.35:
            return self.rng.choice(self.topic[self.rng.choice(topics)][lang])
        if r < 0.65:
            return self.rng.choice(self.general[lang])
        return self.rng.choice(self.glue[lang])

    def sentence(self, lang: str, topics: list[str]) -> str:
        body = " ".join(self.word(lang, topics) for _ in range(self.rng.randint(7, 15)))
        return f"{self.rng.choice(OPENERS[lang])} {body}."

    def text(self, lang: str, topics: list[str], words: int) -> str:
        out: list[str] = []
        while sum(len(s.split()) for s in out) < words:
            out.append(self.sentence(lang, topics))
        return " ".join(out)

    def title(self, lang: str, topics: list[str]) -> str:
        a, b = (self.rng.choice(self.topic[self.rng.choice(topics)][lang]) for _ in range(2))
        c = self.rng.choice(self.general[lang])
        text = self.rng.choice(TITLES[lang]).format(a=a, b=b, c=c)
        return text[0].upper() + text[1:]


def generate(count: int) -> None:
    """Add `count` synthetic solutions (and their themes, challenges, translations)."""
    from django.db import transaction

    from metroscope.exchange.models import (
        Collection,
        Solution,
        SolutionStatus,
        SolutionTranslation,
    )
    from metroscope.members.models import Member
    from metroscope.plan.models import Challenge, Theme

    rng = random.Random(SEED)
    writer = Writer(rng)
    collections = list(Collection.objects.order_by("code"))
    themes = list(Theme.objects.order_by("code").values_list("pk", flat=True))
    challenges = list(Challenge.objects.order_by("code").values_list("pk", flat=True))
    places = list(Member.objects.order_by("code").values_list("name", "country__iso3"))
    start = datetime(2016, 1, 1, tzinfo=UTC)
    languages, topics = ["en", "fr", "es"], list(TOPICS)
    batch = 2000
    for first in range(0, count, batch):
        solutions, extras = [], []
        for n in range(first, min(first + batch, count)):
            lang = rng.choices(languages, weights=[5, 3, 2])[0]
            about = rng.sample(topics, k=rng.choice([1, 2, 2, 3]))
            city, iso3 = rng.choice(places)
            published = start + timedelta(minutes=rng.randrange(0, 11 * 365 * 24 * 60))
            draft = rng.random() < 0.03
            solutions.append(
                Solution(
                    slug=f"synthetic-{n + 1:06d}",
                    title=writer.title(lang, about),
                    summary=writer.text(lang, about, rng.randint(35, 65)),
                    description=writer.text(lang, about, rng.randint(200, 420)),
                    results=writer.text(lang, about, rng.randint(15, 40)),
                    language=lang,
                    collection=rng.choice(collections),
                    city=city,
                    country_iso3=iso3,
                    year_started=rng.randint(1995, 2025),
                    sdgs=sorted(rng.sample(range(1, 18), k=rng.randint(1, 4))),
                    tags=[writer.word(lang, about) for _ in range(rng.randint(2, 5))],
                    status=SolutionStatus.DRAFT if draft else SolutionStatus.PUBLISHED,
                    published_at=None if draft else published,
                    views=int(rng.paretovariate(1.2) * 10),
                    contact_name=LABEL,
                    synthetic=True,
                )
            )
            extras.append(
                (
                    rng.sample(themes, k=rng.randint(1, 3)),
                    rng.sample(challenges, k=rng.randint(0, 2)),
                    [(other, about) for other in languages if other != lang],
                )
            )
        with transaction.atomic():
            made = Solution.objects.bulk_create(solutions)
            theme_rows, challenge_rows, translations = [], [], []
            for solution, (t, c, tr) in zip(made, extras, strict=True):
                theme_rows += [
                    Solution.themes.through(solution_id=solution.pk, theme_id=x) for x in t
                ]
                challenge_rows += [
                    Solution.challenges.through(solution_id=solution.pk, challenge_id=x) for x in c
                ]
                for lang, about in tr:  # title and summary, as the seed's translations
                    translations.append(
                        SolutionTranslation(
                            solution=solution,
                            language=lang,
                            title=writer.title(lang, about),
                            summary=writer.text(lang, about, 40),
                        )
                    )
            Solution.themes.through.objects.bulk_create(theme_rows)
            Solution.challenges.through.objects.bulk_create(challenge_rows)
            SolutionTranslation.objects.bulk_create(translations)
        say(f"  {min(first + batch, count):,} / {count:,} synthetic solutions")


# --- one database, in its own process -------------------------------------------------------------


def _marker(database: str) -> Path:
    return BENCH_DIR / f"search-bench-{database}.json"


def _recreate(database: str) -> None:
    recreate(database, marker=_marker(database), sqlite_file=SQLITE_FILE, pg_database=PG_DATABASE)


def _build(database: str, count: int) -> dict[str, float]:
    from django.core.management import call_command

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_open_data", verbosity=0)
    timings["migrate_and_open_data_s"] = time.perf_counter() - started
    say(f"migrated and loaded the open data in {timings['migrate_and_open_data_s']:,.0f} s")
    started = time.perf_counter()
    generate(count)
    timings["generate_s"] = time.perf_counter() - started
    timings |= _reindex()
    _marker(database).write_text(
        json.dumps({"generator": GENERATOR_VERSION, "solutions": count, **timings})
    )
    return timings


def _reindex() -> dict[str, float]:
    """Migrate (a reused database may predate the index's last migration), rebuild the
    index, and refresh the planner's statistics."""
    from django.core.management import call_command
    from django.db import connection

    from metroscope.exchange import search

    call_command("migrate", verbosity=0, interactive=False)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 20_000 < search.BATCH or done == total:
            say(f"  indexed {done:,} / {total:,}")

    indexed = search.reindex(progress=progress)
    timings["reindex_s"] = time.perf_counter() - started
    timings["indexed"] = indexed
    say(f"reindex_solutions: {indexed:,} solutions in {timings['reindex_s']:,.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return timings


def _measure(rounds: int, baseline_rounds: int) -> dict[str, Any]:
    from django.db.models import Q

    from metroscope.core import fulltext as engine
    from metroscope.exchange import search
    from metroscope.exchange.models import Solution, SolutionStatus

    per_query: dict[str, Any] = {}
    plain, filtered, baseline = [], [], []
    for q in QUERIES:
        a = time_rounds(lambda q=q: search.search(q), rounds)
        b = time_rounds(lambda q=q: search.search(q, FILTERS), rounds)

        def icontains(q: str = q) -> None:
            found = Solution.objects.filter(
                Q(title__icontains=q) | Q(summary__icontains=q) | Q(description__icontains=q),
                status=SolutionStatus.PUBLISHED,
            )
            list(found.order_by("-published_at", "-pk")[:20])
            found.count()

        c = time_rounds(icontains, baseline_rounds)
        plain += a
        filtered += b
        baseline += c
        top = search.search(q, per_page=10)
        every = engine.search(
            search.INDEX, engine.parse(q), filters={}, order="newest", offset=0, limit=10**7
        )
        slugs = sorted(Solution.objects.filter(pk__in=every.pks).values_list("slug", flat=True))
        per_query[q] = {
            "hits_digest": hashlib.sha256("\n".join(slugs).encode()).hexdigest(),
            "matches": top.total,
            "matches_filtered": search.search(q, FILTERS, per_page=1).total,
            "plain": percentiles(a),
            "filtered": percentiles(b),
            "icontains": percentiles(c),
            "top10": [[h.solution.slug, h.score] for h in top.hits],
            "samples": a,
        }
        say(
            f"  {q!r}: {top.total:,} matches; p50 {per_query[q]['plain']['p50']:.1f} ms, "
            f"filtered {per_query[q]['filtered']['p50']:.1f} ms, "
            f"icontains {per_query[q]['icontains']['p50']:.0f} ms"
        )
    browse = time_rounds(lambda: search.search(""), rounds)
    same = [t for q in ENGLISH for t in per_query[q]["samples"]]
    cross = [t for q in OTHER for t in per_query[q]["samples"]]
    for q in per_query:
        del per_query[q]["samples"]
    return {
        "same_language": percentiles(same),
        "cross_language": percentiles(cross),
        "queries": per_query,
        "plain": percentiles(plain),
        "filtered": percentiles(filtered),
        "icontains": percentiles(baseline),
        "browse_all": percentiles(browse),
    }


def run_worker(database: str, args: argparse.Namespace) -> dict[str, Any]:
    tag(database)
    marker = _marker(database)
    reuse = False
    if args.reuse and marker.exists():
        made = json.loads(marker.read_text())
        reuse = made["generator"] == GENERATOR_VERSION and made["solutions"] == args.solutions
    if not reuse:
        _recreate(database)
    import django

    django.setup()
    from django.db import connection

    from metroscope.exchange.models import Solution

    build = json.loads(marker.read_text()) if reuse else _build(database, args.solutions)
    if reuse and args.reindex:
        build |= _reindex()
        marker.write_text(json.dumps(build))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        server = str(cursor.fetchone()[0])
    result = {
        "database": database,
        "server": server,
        "solutions": Solution.objects.count(),
        "synthetic": Solution.objects.filter(synthetic=True).count(),
        "build": build,
        "reused": reuse,
        "load_average_at_start": os.getloadavg(),
    }
    say(f"measuring: {len(QUERIES)} queries × {args.rounds} rounds")
    result |= _measure(args.rounds, args.baseline_rounds)
    return result


# --- the parent: one process per database, the table -------------------------------------


def _row(label: str, cells: list[str], floor: str = "") -> str:
    return f"| {label} | " + " | ".join(cells) + f" | {floor} |"


def _table(results: dict[str, dict[str, Any]]) -> tuple[list[str], dict[str, bool]]:
    dbs = list(results)
    verdict: dict[str, bool] = {}
    lines = [_row("", dbs, "floor"), _row("---", ["---"] * len(dbs), "---")]

    def ms(r: dict[str, Any], part: str, key: str) -> str:
        return f"{r[part][key]:.1f} ms"

    for db, r in results.items():
        verdict[f"{db} p95"] = r["plain"]["p95"] < FLOORS["p95_ms"]
        verdict[f"{db} p95 filtered"] = r["filtered"]["p95"] < FLOORS["p95_filtered_ms"]
        verdict[f"{db} ratio"] = r["icontains"]["p50"] / r["plain"]["p50"] >= FLOORS["ratio"]
        verdict[f"{db} cross"] = (
            r["cross_language"]["p95"] <= FLOORS["cross"] * r["same_language"]["p95"]
        )
        verdict[f"{db} reindex"] = r["build"]["reindex_s"] < FLOORS["reindex_s"]
    lines += [
        _row(
            "solutions (synthetic)",
            [f"{r['solutions']:,} ({r['synthetic']:,})" for r in results.values()],
        ),
        _row(
            "rebuild of the index",
            [f"{r['build']['reindex_s']:,.1f} s" for r in results.values()],
            "< 5 min",
        ),
        _row("search, no filter: p50", [ms(r, "plain", "p50") for r in results.values()]),
        _row(
            "search, no filter: p95", [ms(r, "plain", "p95") for r in results.values()], "< 50 ms"
        ),
        _row("two facet filters: p50", [ms(r, "filtered", "p50") for r in results.values()]),
        _row(
            "two facet filters: p95",
            [ms(r, "filtered", "p95") for r in results.values()],
            "< 50 ms",
        ),
        _row("English queries: p95", [ms(r, "same_language", "p95") for r in results.values()]),
        _row(
            "French and Spanish queries: p95",
            [ms(r, "cross_language", "p95") for r in results.values()],
        ),
        _row(
            "cross-language p95 ÷ same-language p95",
            [
                f"{r['cross_language']['p95'] / r['same_language']['p95']:.2f}"
                for r in results.values()
            ],
            "≤ 2",
        ),
        _row("icontains baseline: p50", [ms(r, "icontains", "p50") for r in results.values()]),
        _row(
            "icontains p50 ÷ ours p50",
            [f"{r['icontains']['p50'] / r['plain']['p50']:,.0f}×" for r in results.values()],
            "≥ 20×",
        ),
        _row(
            "browse all (no words, no filter): p50",
            [ms(r, "browse_all", "p50") for r in results.values()],
        ),
    ]
    if len(dbs) == 2:
        a, b = (results[d]["queries"] for d in dbs)
        same = [q for q in QUERIES if a[q]["hits_digest"] == b[q]["hits_digest"]]
        verdict["same hits"] = len(same) == len(QUERIES)
        lines.append(
            _row(
                "same set of hits on both",
                [f"{len(same)} / {len(QUERIES)} queries", ""],
                "all",
            )
        )
    lines += [
        "",
        "| query | matches | with filters | " + " | ".join(f"{d} p50 / p95" for d in dbs) + " |",
    ]
    lines.append("|---|---|---|" + "---|" * len(dbs))
    first = results[dbs[0]]["queries"]
    for q in QUERIES:
        timings = [results[d]["queries"][q]["plain"] for d in dbs]
        cells = [f"{t['p50']:.1f} / {t['p95']:.1f} ms" for t in timings]
        lines.append(
            f"| {q} | {first[q]['matches']:,} | {first[q]['matches_filtered']:,} | "
            + " | ".join(cells)
            + " |"
        )
    return lines, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--solutions", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--baseline-rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep a bench database made before")
    parser.add_argument("--reindex", action="store_true", help="with --reuse: rebuild the index")
    parser.add_argument(
        "--pg-database", default=PG_DATABASE, help="PostgreSQL database to (re)create and use"
    )
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.result.write_text(json.dumps(run_worker(args.worker, args), indent=2))
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = {}
    for database in databases:
        out = BENCH_DIR / f"search-{database}-partial.json"
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        url = DATABASE_URLS[database].replace(f"/{PG_DATABASE}", f"/{args.pg_database}")
        env = os.environ | {
            "SEARCH_BENCH_PG_DATABASE": args.pg_database,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "metroscope.settings",
            "METROSCOPE_CONN_MAX_AGE": "0",
        }
        command = [sys.executable, __file__, "--worker", database, "--result", str(out)]
        command += ["--solutions", str(args.solutions), "--rounds", str(args.rounds)]
        command += ["--baseline-rounds", str(args.baseline_rounds)] + ["--reuse"] * args.reuse
        command += ["--reindex"] * args.reindex
        subprocess.run(command, check=True, env=env)  # noqa: S603
        results[database] = json.loads(out.read_text())
        out.unlink()
    lines, verdict = _table(results)
    print(
        "\n".join(
            ["", f"SYNTHETIC solutions; {os.cpu_count()} CPUs; {platform.python_version()}", *lines]
        )
    )
    finish(
        RESULTS,
        verdict,
        {
            "synthetic": True,
            "note": "Solutions made by bench/search.py from word lists; not real data.",
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "results": results,
        },
    )


if __name__ == "__main__":
    main()
