"""Map data for every member company: the compact endpoint against naive GeoJSON.

Runs in the runner's throwaway test database, inside a transaction rolled back at
the end, with synthetic members (80,000 by default, MAPSTER_BENCH_MEMBERS to change). Prints
server time (best of three) and gzipped size of:

- baseline: the obvious GeoJSON FeatureCollection built from model instances;
- compact: GET /carte/points.json with an empty cache (what a first visitor pays),
  and again with the cache warm.

Targets (docs/map.md): ≤ 300 ms server time and ≤ 2 MB gzipped for 80,000 members.
"""

from __future__ import annotations

import gzip
import os
import random
import time

TARGET_SECONDS = 0.300
TARGET_GZIP_BYTES = 2 * 1024 * 1024


def _populate(members: int) -> None:
    from directory.models import Cluster, Company, Membership
    from territories.models import Commune, Departement, Region

    rnd = random.Random(20201201)
    # Spread over the loaded départements (the choropleth's areas), else one of its own.
    deps = list(Departement.objects.exclude(geometry=None).order_by("code"))
    if not deps:
        region = Region.objects.create(code="99", name="Bench", slug="bench", zone="metro")
        deps = [
            Departement.objects.create(
                code="99", name="Bench", slug="bench", region=region, zone="metro"
            )
        ]
    communes = [
        Commune(
            # "X…": never a real INSEE code, so the reference may be loaded alongside.
            code=f"X{i:04d}",
            name=f"Commune {i}",
            name_key=f"commune {i}",
            departement=deps[i % len(deps)],
            region_id=deps[i % len(deps)].region_id,
            lat=rnd.uniform(42.5, 50.9),
            lon=rnd.uniform(-4.5, 7.9),
        )
        for i in range(3000)
    ]
    Commune.objects.bulk_create(communes, batch_size=2000)
    clusters = [
        Cluster(slug=f"bench-{i}", name=f"Cluster {i}", commune=rnd.choice(communes), is_demo=True)
        for i in range(300)
    ]
    Cluster.objects.bulk_create(clusters, batch_size=1000)
    clusters = list(Cluster.objects.all())
    companies = []
    for n in range(members):
        commune = rnd.choice(communes)
        # Half have a geocoded establishment, half only their commune's centre.
        own = n % 2 == 0
        companies.append(
            Company(
                siren=f"{800000000 + n}",
                name=f"Entreprise {n}",
                commune=commune,
                lat=commune.lat + rnd.uniform(-0.05, 0.05) if own else None,
                lon=commune.lon + rnd.uniform(-0.05, 0.05) if own else None,
                is_demo=True,
            )
        )
    Company.objects.bulk_create(companies, batch_size=5000)
    ids = list(Company.objects.values_list("pk", flat=True))
    memberships = [
        Membership(cluster=rnd.choice(clusters), company_id=pk, is_demo=True) for pk in ids
    ]
    # One company in ten belongs to a second cluster, as in the seed report.
    memberships += [
        Membership(cluster=rnd.choice(clusters), company_id=pk, is_demo=True) for pk in ids[::10]
    ]
    Membership.objects.bulk_create(memberships, batch_size=5000, ignore_conflicts=True)


def _best(fn, repeat=3):
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def _measure(members: int) -> dict:
    from django.core.cache import cache
    from django.test import Client

    from directory import mapdata

    client = Client()

    def baseline():
        return mapdata.naive_geojson(None).encode()

    def compact_cold():
        cache.clear()
        return client.get("/carte/points.json").content

    def compact_warm():
        return client.get("/carte/points.json").content

    t_base, base = _best(baseline)
    t_cold, body = _best(compact_cold)
    client.get("/carte/points.json")
    t_warm, _ = _best(compact_warm)
    n = len(__import__("json").loads(body)["members"])
    return {
        "members": n,
        "baseline_s": t_base,
        "baseline_raw": len(base),
        "baseline_gz": len(gzip.compress(base, 6)),
        "compact_s": t_cold,
        "compact_warm_s": t_warm,
        "compact_raw": len(body),
        "compact_gz": len(gzip.compress(body, 6)),
    }


def _ensure_boundaries() -> None:
    """The reference's région and département outlines (with one département's communes)."""

    from territories.models import Region

    if not Region.objects.exclude(geometry=None).exists():
        from territories.loader import load

        load(departements=["31"])


def _measure_geo() -> dict:
    """Boundaries with counts: uncached (new process: outlines read and rounded, then
    counted), after a data change (counted again), cached; and gzipped sizes."""

    from django.core.cache import cache
    from django.test import Client

    from territories import geo

    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    out = {}
    for level in ("regions", "departements"):
        url = f"/api/v1/geo/{level}.geojson"

        def cold(url=url):
            cache.clear()
            geo._shapes.clear()
            return client.get(url)

        def changed(url=url):
            cache.clear()
            return client.get(url)

        t_cold, response = _best(cold)
        t_changed, _ = _best(changed)
        t_warm, _ = _best(lambda url=url: client.get(url), repeat=5)
        assert response["Content-Encoding"] == "gzip"
        raw = gzip.decompress(response.content)
        unrounded = (
            __import__("json")
            .dumps(list(geo.LEVELS[level].objects.values_list("geometry", flat=True)))
            .encode()
        )
        out[level] = {
            "cold_s": t_cold,
            "changed_s": t_changed,
            "warm_s": t_warm,
            "gz": len(response.content),
            "raw": len(raw),
            "unrounded_gz": len(gzip.compress(unrounded, 6)),
        }
    return out


def _first_paint() -> tuple[float, float] | None:
    """Seconds from navigation to the choropleth drawn, and to every marker loaded, on
    /carte/ in headless Chromium against a threaded live server (a first visit: empty
    browser and server caches). SQLite only: the server thread shares the benchmark's
    in-memory database connection, as LiveServerTestCase does."""

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.cache import cache
    from django.db import connections
    from django.test.testcases import LiveServerThread

    from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS

    connection = connections["default"]  # the wrapper itself, not the thread-local proxy
    if connection.vendor != "sqlite" or not os.path.exists(CHROMIUM):
        return None
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    connection.inc_thread_sharing()
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, {"default": connection})
    server.daemon = True
    server.start()
    server.is_ready.wait()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            best = None
            for _ in range(3):
                cache.clear()
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{server.port}/carte/")
                page.wait_for_selector("#map[data-choropleth]", timeout=120_000)
                choropleth = time.perf_counter() - start
                page.wait_for_selector("#map[data-ready='1']", timeout=120_000)
                times = (choropleth, time.perf_counter() - start)
                best = times if best is None or times < best else best
                page.close()
            browser.close()
    finally:
        server.terminate()
        connection.dec_thread_sharing()
    return best


def run() -> dict:
    """Called by benchmarks/__main__.py, which already runs on a throwaway test database."""

    from django.db import transaction

    members = int(os.environ.get("MAPSTER_BENCH_MEMBERS", "80000"))
    # Rolled back at the end: the synthetic network never outlives this benchmark.
    with transaction.atomic():
        _ensure_boundaries()
        # When the directory benchmark ran first its demo network is already here: top it
        # up to the target instead of measuring the map over twice as many members.
        from directory.models import Company

        present = Company.objects.filter(memberships__isnull=False).distinct().count()
        if members > present:
            _populate(members - present)
        r = _measure(members)
        geo = _measure_geo()
        paint = _first_paint()
        transaction.set_rollback(True)

    mb = 1024 * 1024
    ok_time = r["compact_s"] <= TARGET_SECONDS
    ok_size = r["compact_gz"] <= TARGET_GZIP_BYTES
    print(
        f"map.points members={r['members']} "
        f"baseline GeoJSON: {r['baseline_s'] * 1000:.0f} ms, {r['baseline_gz'] / mb:.2f} MB gz "
        f"({r['baseline_raw'] / mb:.2f} MB raw)"
    )
    print(
        f"map.points compact /carte/points.json: {r['compact_s'] * 1000:.0f} ms cold, "
        f"{r['compact_warm_s'] * 1000:.0f} ms cached, {r['compact_gz'] / mb:.2f} MB gz "
        f"({r['compact_raw'] / mb:.2f} MB raw)"
    )
    print(
        f"map.points ratio vs baseline: time x{r['compact_s'] / r['baseline_s']:.2f} "
        f"(cached x{r['compact_warm_s'] / r['baseline_s']:.3f}), "
        f"gzip size x{r['compact_gz'] / r['baseline_gz']:.2f}; "
        f"targets <= {TARGET_SECONDS * 1000:.0f} ms: {'ok' if ok_time else 'MISSED'}, "
        f"<= 2 MB gz: {'ok' if ok_size else 'MISSED'}"
    )
    for level, g in geo.items():
        print(
            f"map.geo {level}.geojson: uncached {g['cold_s'] * 1000:.0f} ms (new process), "
            f"{g['changed_s'] * 1000:.0f} ms after a data change, cached "
            f"{g['warm_s'] * 1000:.0f} ms: ratio cached/uncached x{g['warm_s'] / g['cold_s']:.3f}; "
            f"{g['gz'] / 1024:.0f} KB gz ({g['raw'] / 1024:.0f} KB raw), unrounded outlines "
            f"{g['unrounded_gz'] / 1024:.0f} KB gz"
        )
    if paint:
        print(
            f"map.first_paint /carte/ in headless Chromium, cold caches: choropleth "
            f"{paint[0]:.2f} s, all {r['members']} markers {paint[1]:.2f} s (target <= 2 s)"
        )
    else:
        print("map.first_paint skipped (needs SQLite and Chromium)")
    r["geo"], r["first_paint"] = geo, paint
    return r
