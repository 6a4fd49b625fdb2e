"""GeoJSON of région and département boundaries with the directory's counts.

The counts feed the choropleth: clusters by head-office area, member companies
and estimated jobs by the company's commune.
"""

from django.db.models import Count, Sum

from core.stats import jobs_expression
from territories.models import Departement, Region


def _counts(level: str) -> dict[str, dict]:
    from directory.models import Cluster, Company

    key = "region" if level == "regions" else "departement"
    out: dict[str, dict] = {}
    clusters = (
        Cluster.objects.exclude(visibility=Cluster.Visibility.HIDDEN)
        .filter(commune__isnull=False)
        .values(f"commune__{key}")
        .annotate(n=Count("pk"))
    )
    for row in clusters:
        out.setdefault(row[f"commune__{key}"], {})["clusters"] = row["n"]
    companies = (
        Company.objects.filter(memberships__isnull=False, commune__isnull=False)
        .distinct()
        .values(f"commune__{key}")
        .annotate(n=Count("pk", distinct=True), jobs=Sum(jobs_expression()))
    )
    for row in companies:
        entry = out.setdefault(row[f"commune__{key}"], {})
        entry["members"] = row["n"]
        entry["jobs"] = int(row["jobs"] or 0)
    return out


def boundaries(level: str) -> dict:
    model = Region if level == "regions" else Departement
    counts = _counts(level)
    features = []
    param = "region" if level == "regions" else "departement"
    for obj in model.objects.exclude(geometry=None).order_by("code"):
        c = counts.get(obj.code, {})
        features.append(
            {
                "type": "Feature",
                "geometry": obj.geometry,
                "properties": {
                    "code": obj.code,
                    "name": obj.name,
                    "clusters": c.get("clusters", 0),
                    "members": c.get("members", 0),
                    "jobs": c.get("jobs", 0),
                    "url": f"/annuaire/?{param}={obj.code}",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
