"""Key figures of the network, computed from the database."""

from django.db.models import Case, Count, FloatField, Sum, Value, When

from core.insee import HEADCOUNT_BANDS


def jobs_expression(field: str = "headcount_band"):
    """SQL expression estimating jobs from an INSEE headcount band."""
    return Case(
        *[
            When(**{field: code}, then=Value(float(mid)))
            for code, (_, mid) in HEADCOUNT_BANDS.items()
        ],
        default=Value(0.0),
        output_field=FloatField(),
    )


def key_figures() -> dict:
    from directory.models import Cluster, Company, Membership
    from territories.models import Commune, Region, TerritoireIndustrie

    member_companies = Company.objects.filter(memberships__isnull=False).distinct()
    jobs = member_companies.aggregate(jobs=Sum(jobs_expression()))["jobs"] or 0
    clusters = Cluster.objects.exclude(visibility=Cluster.Visibility.HIDDEN)
    return {
        "clusters": clusters.count(),
        "poles": clusters.filter(kind=Cluster.Kind.POLE).count(),
        "companies": member_companies.count(),
        "memberships": Membership.objects.count(),
        "jobs": int(round(jobs, -3)) if jobs >= 10000 else int(jobs),
        "territoires": TerritoireIndustrie.objects.filter(generation="2023-2027").count(),
        "regions": Region.objects.count(),
        "communes": Commune.objects.filter(kind=Commune.Kind.COMMUNE).count(),
        "has_demo": clusters.filter(is_demo=True).exists(),
        "by_kind": list(clusters.values("kind").annotate(n=Count("pk")).order_by("-n")),
    }
