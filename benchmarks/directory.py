"""Directory data: search, members import and SIRENE enrichment, each against a baseline.

- search over the 80,000-company demo network: p95 of a results page (first 20 + count)
  for typical queries (target ≤ 30 ms) vs a ``LIKE '%…%'`` (icontains) filter on name and
  offer giving the same page;
- members import of 100,000 rows (target ≥ 20,000 rows/s) vs a bare ``csv.reader`` pass
  over the same file;
- SIRENE enrichment over a 5-million-row synthetic StockEtablissement (target ≥ 70 % of
  the baseline's speed) vs DuckDB reading the same file bare (``count(*)`` of
  ``read_csv``).

Runs on the throw-away test database that ``benchmarks/__main__`` creates; files go to a
temporary folder. ``MAPSTER_BENCH_SIRENE_ROWS`` and ``MAPSTER_BENCH_IMPORT_ROWS`` shrink
the sizes for a quick run.
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

QUERIES = [
    "mécanique",
    "usinage précision",
    "énergies",
    "aeronautique",
    "logiciel",
    "dispositifs médicaux",
    "hydrog",
    "bois",
    "photovolt",
    "traitement des eaux",
    "robotique",
    "martin",
    "cosmétiques naturels",
    "logistique dernier",
    "fibres optiques",
    "décolletage",
    "sécurité",
    "numérique",
    "béton bas carbone",
    "agriculture de précision",
]


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def setup_network():
    from directory.demo import generate
    from territories.loader import load

    started = time.perf_counter()
    load(progress=False)
    print(f"   reference load {time.perf_counter() - started:.1f} s", flush=True)
    report = generate(clusters=400, companies=80_000, seed=2020)
    print(f"   {report.summary()}  (target < 60 s on SQLite)", flush=True)


def bench_search():
    from django.db.models import Q

    from core import search
    from directory.models import Company

    def ranked(query):
        qs = search.filter_queryset(Company.objects.all(), "company", query)
        return list(qs[:20]), qs.count()

    def like(query):
        condition = Q()
        for word in query.split():
            condition &= Q(name__icontains=word) | Q(offer__icontains=word)
        qs = Company.objects.filter(condition).order_by("name")
        return list(qs[:20]), qs.count()

    for query in QUERIES:  # warm caches for both
        ranked(query)
        like(query)
    fts, base = [], []
    for _round in range(5):
        for query in QUERIES:
            fts.append(_time(lambda q=query: ranked(q)))
            base.append(_time(lambda q=query: like(q)))
    p95, base_p95 = _p95(fts), _p95(base)
    print(
        f"   search p95 {p95 * 1000:.1f} ms (target ≤ 30 ms) vs LIKE '%…%' p95 "
        f"{base_p95 * 1000:.1f} ms: ratio {p95 / base_p95:.2f} "
        f"({base_p95 / p95:.1f}× faster), {len(fts)} queries",
        flush=True,
    )


def bench_import(folder: Path):
    from directory.identifiers import luhn_complete
    from directory.importing import import_file
    from directory.models import Cluster
    from territories.models import Commune

    rows = int(os.environ.get("MAPSTER_BENCH_IMPORT_ROWS", 100_000))
    rng = random.Random(7)
    communes = list(Commune.objects.values_list("code", flat=True)[:5000])
    nafs = ["25.62A", "25.62B", "62.01Z", "70.22Z", "30.30Z", "28.99B"]
    path = folder / "adherents.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            [
                "siret",
                "raison_sociale",
                "code_naf",
                "tranche_effectif",
                "code_commune",
                "site_web",
                "email",
                "offre",
            ]
        )
        for n in range(rows):
            siren = luhn_complete(f"001{n:05d}") if n < 100_000 else luhn_complete(f"0{n:07d}")
            writer.writerow(
                [
                    luhn_complete(siren + "0001"),
                    f"Adhérent {n} SAS",
                    rng.choice(nafs),
                    rng.choice(["01", "02", "11", "12", "21"]),
                    rng.choice(communes),
                    f"https://adherent{n}.example.org",
                    f"contact{n}@example.org",
                    "usinage de précision; fabrication additive",
                ]
            )
    cluster = Cluster.objects.filter(is_demo=True).order_by("pk").first()

    def parse():
        with path.open(encoding="utf-8", newline="") as handle:
            return sum(1 for _row in csv.reader(handle, delimiter=";"))

    baseline = min(_time(parse) for _ in range(3))
    report = None

    def run_import():
        nonlocal report
        if os.environ.get("MAPSTER_BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            report = profiler.runcall(
                import_file, path, "members", cluster=cluster.slug, apply=True
            )
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        else:
            report = import_file(path, "members", cluster=cluster.slug, apply=True)
        print(f"   phases: { {k: round(v, 2) for k, v in report.seconds.items()} }", flush=True)

    first = _time(run_import)
    assert report.created == rows and report.rejected == 0, report.summary()
    again = _time(run_import)
    assert report.unchanged == rows, report.summary()
    _remove_imported(path.name)
    print(
        f"   import {rows} rows: {rows / first:,.0f} rows/s (target ≥ 20,000), "
        f"re-import unchanged {rows / again:,.0f} rows/s; bare csv parse "
        f"{rows / baseline:,.0f} rows/s: ratio {first / baseline:.1f}× the parse time",
        flush=True,
    )


def _remove_imported(filename: str) -> None:
    """Take the benchmark's members out again, so that the benchmarks after this one
    (SIRENE, the map) measure the 80,000-member demo network, not 180,000."""
    from django.db import connection, transaction

    from core import search
    from directory.models import Company, Establishment, Membership

    qn = connection.ops.quote_name
    company = qn(Company._meta.db_table)
    imported = f"SELECT id FROM {company} WHERE provenance_detail = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Membership, Establishment):
            cursor.execute(
                f"DELETE FROM {qn(model._meta.db_table)} WHERE company_id IN ({imported})",
                [filename],
            )
        cursor.execute(f"DELETE FROM {company} WHERE provenance_detail = %s", [filename])
    search.rebuild("company")


def bench_sirene(folder: Path):
    from directory import sirene

    rows = int(os.environ.get("MAPSTER_BENCH_SIRENE_ROWS", 5_000_000))
    path = folder / "StockEtablissement_synthetique.csv"
    started = time.perf_counter()
    result = sirene.synthesize(path, rows)
    print(
        f"   synthetic stock: {result['rows']:,} rows, {path.stat().st_size / 1e9:.2f} GB in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    con = sirene.connect()
    report = None

    def bare_read():
        con.execute(
            f"SELECT count(*) FROM read_csv('{path}', header = true, all_varchar = true)"
        ).fetchall()

    def run_enrich():
        nonlocal report
        report = sirene.enrich(path, apply=False)

    # Interleaved, best of three each: the file's pages are as warm for one as for the other.
    bare, enriched = float("inf"), float("inf")
    for _round in range(3):
        bare = min(bare, _time(bare_read))
        enriched = min(enriched, _time(run_enrich))
    print(
        f"   SIRENE enrichment {rows / enriched:,.0f} rows/s ({enriched:.1f} s, "
        f"{report.matched:,} members matched, scan {report.scanned_seconds:.1f} s) vs bare "
        f"read_csv {rows / bare:,.0f} rows/s ({bare:.1f} s): {bare / enriched:.0%} of the "
        "baseline speed (target ≥ 70 %)",
        flush=True,
    )


def run():
    # MAPSTER_BENCH_ONLY=import (or search, sirene) runs one part, on the same network.
    only = os.environ.get("MAPSTER_BENCH_ONLY", "")
    setup_network()
    if only in ("", "search"):
        bench_search()
    with tempfile.TemporaryDirectory(prefix="mapster-bench-") as tmp:
        if only in ("", "import"):
            bench_import(Path(tmp))
        if only in ("", "sirene"):
            bench_sirene(Path(tmp))
