"""Compact map data: every member company as ``[lat, lon, id]``.

GeoJSON spends ~150 bytes per point on keys and nesting; the map needs three
numbers. Coordinates are rounded to 4 decimals (about 10 m, finer than a commune
centre, which is what most positions are), which also makes the text compress well.
Names and links are fetched only for the marker a user clicks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, FloatField, Func, Max, QuerySet, Sum

from directory.models import Cluster, Company, Membership
from territories.models import TerritoireIndustrie

PRECISION = 4
CACHE_SECONDS = 300


def _position(lat, lon, commune_lat, commune_lon):
    if lat is not None and lon is not None:
        return lat, lon
    if commune_lat is not None and commune_lon is not None:
        return commune_lat, commune_lon
    return None


def cluster_rows(clusters: QuerySet) -> list[list]:
    rows = clusters.values_list(
        "id", "slug", "name", "acronym", "kind", "is_demo", "commune__lat", "commune__lon"
    ).order_by("name")
    out = []
    for pk, slug, name, acronym, kind, demo, lat, lon in rows:
        if lat is None or lon is None:
            continue
        out.append(
            [
                round(lat, PRECISION),
                round(lon, PRECISION),
                pk,
                slug,
                acronym or name,
                kind,
                int(demo),
            ]
        )
    return out


class _Rounded(Func):
    """ROUND(x, PRECISION) as a float on both back ends (PostgreSQL rounds numerics only)."""

    function = "ROUND"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=f"ROUND(%(expressions)s, {PRECISION})")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=f"ROUND((%(expressions)s)::numeric, {PRECISION})::double precision",
        )


def commune_centres() -> dict[str, tuple[float, float]]:
    """Rounded centre of every commune, kept in the process between requests.

    Joining 80,000 companies to the commune table costs more than the rest of the
    query; the centres (35,000 rows) change only when the reference is reloaded.
    """

    from territories.models import Commune

    # Count and coordinate sums: any reload that adds, removes or moves a commune changes them.
    agg = Commune.objects.aggregate(n=Count("pk"), lat=Sum("lat"), lon=Sum("lon"))
    key = (agg["n"], agg["lat"], agg["lon"])
    global _centres
    if _centres is None or _centres[0] != key:
        rows = Commune.objects.filter(lat__isnull=False, lon__isnull=False).values_list(
            "code", "lat", "lon"
        )
        _centres = (
            key,
            {code: (round(lat, PRECISION), round(lon, PRECISION)) for code, lat, lon in rows},
        )
    return _centres[1]


_centres: tuple[tuple, dict] | None = None


def member_rows(clusters: QuerySet | None) -> list[tuple]:
    """(lat, lon, id) of the member companies of the given clusters (all when None).

    Rounded in SQL; companies without a position of their own take their commune's
    centre from :func:`commune_centres`.
    """

    memberships = Membership.objects.all()
    if clusters is not None:
        memberships = memberships.filter(cluster__in=clusters.values("pk"))
    query = (
        Company.objects.filter(pk__in=memberships.values("company_id"))
        .annotate(_lat=_Rounded("lat"), _lon=_Rounded("lon"))
        .values_list("_lat", "_lon", "id", "commune_id")
        .order_by()
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    centres = commune_centres()
    out = []
    append = out.append
    for lat, lon, pk, code in rows:
        if lat is None or lon is None:
            centre = centres.get(code)
            if centre is None:
                continue
            lat, lon = centre
        append((lat, lon, pk))
    return out


def data_version() -> str:
    """Changes whenever clusters, companies or memberships change (or are deleted)."""

    parts = []
    for model in (Cluster, Company, Membership):
        agg = model.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
        parts.append(f"{agg['n']}:{agg['last'].timestamp() if agg['last'] else 0}")
    return "-".join(parts)


def cached_points_json(key: str, clusters: QuerySet, members_of: QuerySet | None) -> str:
    """points_json, cached per filter state and data version (five minutes at most)."""

    digest = hashlib.sha256(f"{key}|{data_version()}".encode()).hexdigest()
    cache_key = f"mapster:points:{digest}"
    body = cache.get(cache_key)
    if body is None:
        body = points_json(clusters, members_of)
        cache.set(cache_key, body, CACHE_SECONDS)
    return body


def points_json(clusters: QuerySet, members_of: QuerySet | None) -> str:
    payload = {
        "fields": {
            "clusters": ["lat", "lon", "id", "slug", "name", "kind", "demo"],
            "members": ["lat", "lon", "id"],
        },
        "clusters": cluster_rows(clusters),
        "members": member_rows(members_of),
    }
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def naive_geojson(members_of: QuerySet | None) -> str:
    """The obvious serialisation, kept as the benchmark's baseline."""

    memberships = Membership.objects.all()
    if members_of is not None:
        memberships = memberships.filter(cluster__in=members_of.values("pk"))
    features = []
    for company in Company.objects.filter(pk__in=memberships.values("company_id")).select_related(
        "commune"
    ):
        where = _position(
            company.lat,
            company.lon,
            company.commune.lat if company.commune else None,
            company.commune.lon if company.commune else None,
        )
        if not where:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [where[1], where[0]]},
                "properties": {"id": company.pk, "siren": company.siren, "name": company.name},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features})


# Territoires d'industrie -------------------------------------------------------------


def convex_hull(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain; returns the hull counter-clockwise, not closed."""

    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def territoires_geojson(generation: str = TerritoireIndustrie.Generation.SECOND) -> dict:
    """One feature per Territoire d'industrie: the hull of its communes' centres.

    Territories of one or two communes (or whose communes sit on a line) are
    points at the mean centre: a hull needs three points that are not aligned.
    """

    centres: dict[int, list[tuple[float, float]]] = {}
    through = TerritoireIndustrie.communes.through
    rows = through.objects.filter(
        territoireindustrie__generation=generation, commune__lat__isnull=False
    ).values_list("territoireindustrie_id", "commune__lon", "commune__lat")
    for pk, lon, lat in rows:
        centres.setdefault(pk, []).append((round(lon, PRECISION), round(lat, PRECISION)))
    features = []
    for ti in TerritoireIndustrie.objects.filter(generation=generation).select_related("region"):
        pts = centres.get(ti.pk)
        if not pts:
            continue
        hull = convex_hull(pts)
        if len(hull) >= 3:
            geometry = {"type": "Polygon", "coordinates": [[list(p) for p in hull + hull[:1]]]}
        else:
            lon = sum(p[0] for p in pts) / len(pts)
            lat = sum(p[1] for p in pts) / len(pts)
            geometry = {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]}
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "slug": ti.slug,
                    "name": ti.name,
                    "region": ti.region.name if ti.region else "",
                    "communes": len(pts),
                    "url": f"/annuaire/?ti={ti.slug}",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
