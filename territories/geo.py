"""GeoJSON of région and département boundaries with the directory's counts.

The counts feed the choropleth: clusters by head-office area, member companies
and estimated jobs by the company's commune.

Counting 80,000 members takes about a second and the boundaries are the largest
payload of the map page, so :func:`cached_boundaries_json` keeps the serialised body in
the Django cache under a key made of two cheap versions: the directory's
(``directory.mapdata.data_version``: any change to clusters, companies or memberships
gives a new key, so new counts show at once) and the reference's (the sources' checksums
and load dates, plus the number of areas). The boundaries themselves are read, and their
coordinates rounded to 4 decimals (about 10 m, finer than the simplified source
outlines), once per process and reference version: rounding halves the payload.
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.db.models import Count, Sum

from core.stats import jobs_expression
from territories.models import Departement, Region, Source

PRECISION = 4
CACHE_SECONDS = 3600
LEVELS = {"regions": Region, "departements": Departement}


def _counts(level: str) -> dict[str, dict]:
    from directory.models import Cluster, Company, Membership

    key = "region" if level == "regions" else "departement"
    out: dict[str, dict] = {}
    clusters = (
        Cluster.objects.exclude(visibility=Cluster.Visibility.HIDDEN)
        .filter(commune__isnull=False)
        .order_by()
        .values(f"commune__{key}")
        .annotate(n=Count("pk"))
    )
    for row in clusters:
        out.setdefault(row[f"commune__{key}"], {})["clusters"] = row["n"]
    # One row per member company first: a company in two clusters counts (and employs)
    # once. No default ordering, which would add the name to the GROUP BY.
    member_ids = Membership.objects.values("company_id")
    companies = (
        Company.objects.filter(pk__in=member_ids, commune__isnull=False)
        .order_by()
        .values(f"commune__{key}")
        .annotate(n=Count("pk"), jobs=Sum(jobs_expression()))
    )
    for row in companies:
        entry = out.setdefault(row[f"commune__{key}"], {})
        entry["members"] = row["n"]
        entry["jobs"] = int(row["jobs"] or 0)
    return out


def round_coordinates(value, precision: int = PRECISION):
    """The same nested coordinate lists, every number rounded."""

    if isinstance(value, list):
        return [round_coordinates(v, precision) for v in value]
    if isinstance(value, float):
        return round(value, precision)
    return value


def rounded_geometry(geometry: dict | None) -> dict | None:
    if not geometry or "coordinates" not in geometry:
        return geometry
    return {**geometry, "coordinates": round_coordinates(geometry["coordinates"])}


def reference_version(level: str) -> str:
    """Changes when the reference is reloaded from a changed file, or areas come and go."""

    sources = Source.objects.order_by("key").values_list("key", "checksum", "loaded_at")
    n = LEVELS[level].objects.exclude(geometry=None).count()
    return f"{n}|" + ";".join(f"{k}:{c}:{at.timestamp() if at else 0}" for k, c, at in sources)


_shapes: dict[str, tuple[str, list[tuple[str, str, dict]]]] = {}


def shapes(level: str, version: str | None = None) -> list[tuple[str, str, dict]]:
    """(code, name, rounded geometry) of every area with a boundary, kept per process."""

    version = version or reference_version(level)
    kept = _shapes.get(level)
    if kept is None or kept[0] != version:
        rows = (
            LEVELS[level]
            .objects.exclude(geometry=None)
            .order_by("code")
            .values_list("code", "name", "geometry")
        )
        kept = (version, [(code, name, rounded_geometry(g)) for code, name, g in rows])
        _shapes[level] = kept
    return kept[1]


def boundaries(level: str, version: str | None = None) -> dict:
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    counts = _counts(level)
    features = []
    param = "region" if level == "regions" else "departement"
    for code, name, geometry in shapes(level, version):
        c = counts.get(code, {})
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": code,
                    "name": name,
                    "clusters": c.get("clusters", 0),
                    "members": c.get("members", 0),
                    "jobs": c.get("jobs", 0),
                    "url": f"/annuaire/?{param}={code}",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def boundaries_json(level: str, version: str | None = None) -> str:
    return json.dumps(boundaries(level, version), separators=(",", ":"), ensure_ascii=False)


def cached_boundaries_json(level: str) -> tuple[str, str]:
    """(body, version digest): the serialised boundaries, from the cache when current."""

    from directory.mapdata import data_version

    ref = reference_version(level)
    digest = hashlib.sha256(f"{level}|{ref}|{data_version()}".encode()).hexdigest()[:32]
    key = f"mapster:geo:{digest}"
    body = cache.get(key)
    if body is None:
        body = boundaries_json(level, ref)
        cache.set(key, body, CACHE_SECONDS)
    return body, digest
