"""Filters shared by the directory API and pages.

Each function takes a queryset and plain string parameters (empty means "no
filter") and never raises on unknown values: an unknown code simply matches nothing.
Visibility is not applied here; callers pass a queryset already restricted with
accounts.permissions.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from territories.models import Commune


def clean(value) -> str:
    """Strip a query parameter; NUL characters are refused by PostgreSQL, drop them."""

    if value is None:
        return ""
    return str(value).replace("\x00", "").strip()


# core.search querysets cannot be used as subqueries; the best company matches are
# materialised instead, bounded below SQLite's limit on query parameters.
_MAX_COMPANY_HITS = 10_000


def search(qs: QuerySet, kind: str, query: str) -> QuerySet:
    """Full-text search through core.search; establishments (not indexed there) match
    their SIRET, their own name or their company's indexed text."""

    from core.search import filter_queryset

    query = clean(query)
    if not query:
        return qs
    if kind in ("cluster", "company"):
        return filter_queryset(qs, kind, query)
    if kind == "establishment":
        from directory.models import Company

        companies = filter_queryset(Company.objects.all(), "company", query)
        return qs.filter(
            Q(siret=query)
            | Q(name__icontains=query)
            | Q(company_id__in=list(companies.values_list("pk", flat=True)[:_MAX_COMPANY_HITS]))
        )
    raise ValueError(f"unknown search kind {kind!r}")


def _naf_q(prefix: str, field: str) -> Q:
    # "30.30Z" exact, "30.3" or "30" as a prefix: the pages offer the same.
    return Q(**{f"{field}__startswith": prefix})


def _communes_in_territoire(slug: str):
    return Commune.objects.filter(territoires__slug=slug).values("pk")


def _company_q(
    prefix: str, *, naf: str, filiere: str, region: str, departement: str, territoire: str
) -> Q:
    """What a company does and where it is, for companies (prefix "") and for the rows
    that point at one (establishments and memberships: "company__")."""

    q = Q()
    if naf:
        q &= _naf_q(naf, f"{prefix}naf__code")
    if filiere:
        q &= Q(**{f"{prefix}naf__filiere_id": filiere})
    if region:
        q &= Q(**{f"{prefix}commune__region_id": region})
    if departement:
        q &= Q(**{f"{prefix}commune__departement_id": departement})
    if territoire:
        q &= Q(**{f"{prefix}commune__in": _communes_in_territoire(territoire)})
    return q


def filter_clusters(
    qs: QuerySet,
    *,
    kind: str = "",
    filiere: str = "",
    region: str = "",
    departement: str = "",
    territoire: str = "",
    label: str = "",
    naf: str = "",
    company: str = "",
    demo: bool | None = None,
) -> QuerySet:
    from directory.models import Cluster, Membership

    kind, filiere, region = clean(kind), clean(filiere), clean(region)
    departement, territoire, label = clean(departement), clean(territoire), clean(label)
    naf, company = clean(naf), clean(company)
    if kind:
        qs = qs.filter(kind=kind)
    if filiere:
        qs = qs.filter(
            pk__in=Cluster.objects.filter(
                Q(main_filiere_id=filiere) | Q(filieres__slug=filiere)
            ).values("pk")
        )
    if region:
        qs = qs.filter(
            pk__in=Cluster.objects.filter(
                Q(regions__code=region) | Q(commune__region_id=region)
            ).values("pk")
        )
    if departement:
        qs = qs.filter(commune__departement_id=departement)
    if territoire:
        qs = qs.filter(commune__in=_communes_in_territoire(territoire))
    if label:
        # Labels are a JSON list of codes; matching the quoted code in the JSON text
        # works the same on SQLite and PostgreSQL.
        qs = qs.filter(labels__icontains=f'"{label}"')
    if naf:
        qs = qs.filter(
            pk__in=Membership.objects.filter(_naf_q(naf, "company__naf__code")).values("cluster_id")
        )
    if company:
        qs = qs.filter(
            pk__in=Membership.objects.filter(company__siren=company).values("cluster_id")
        )
    if demo is not None:
        qs = qs.filter(is_demo=demo)
    return qs


def filter_companies(
    qs: QuerySet,
    *,
    clusters: QuerySet,
    kind: str = "",
    filiere: str = "",
    region: str = "",
    departement: str = "",
    territoire: str = "",
    label: str = "",
    naf: str = "",
    cluster: str = "",
    active: bool | None = None,
    demo: bool | None = None,
) -> QuerySet:
    """`clusters` is the queryset of clusters the reader may see: membership-based
    filters (cluster, kind, label) only go through those."""

    from directory.models import Membership

    kind, filiere, region = clean(kind), clean(filiere), clean(region)
    departement, territoire, label = clean(departement), clean(territoire), clean(label)
    naf, cluster = clean(naf), clean(cluster)
    qs = qs.filter(
        _company_q(
            "",
            naf=naf,
            filiere=filiere,
            region=region,
            departement=departement,
            territoire=territoire,
        )
    )
    if cluster or kind or label:
        chosen = clusters
        if cluster:
            chosen = chosen.filter(slug=cluster)
        if kind:
            chosen = chosen.filter(kind=kind)
        if label:
            chosen = chosen.filter(labels__icontains=f'"{label}"')
        qs = qs.filter(
            pk__in=Membership.objects.filter(cluster__in=chosen.values("pk")).values("company_id")
        )
    if active is not None:
        qs = qs.filter(active=active)
    if demo is not None:
        qs = qs.filter(is_demo=demo)
    return qs


def filter_establishments(
    qs: QuerySet,
    *,
    clusters: QuerySet,
    company: str = "",
    filiere: str = "",
    region: str = "",
    departement: str = "",
    territoire: str = "",
    naf: str = "",
    cluster: str = "",
    active: bool | None = None,
    demo: bool | None = None,
) -> QuerySet:
    from directory.models import Membership

    company, filiere, region = clean(company), clean(filiere), clean(region)
    departement, territoire = clean(departement), clean(territoire)
    naf, cluster = clean(naf), clean(cluster)
    if company:
        qs = qs.filter(company__siren=company)
    # An establishment carries its own NAF and commune, like a company does.
    qs = qs.filter(
        _company_q(
            "",
            naf=naf,
            filiere=filiere,
            region=region,
            departement=departement,
            territoire=territoire,
        )
    )
    if cluster:
        qs = qs.filter(
            company_id__in=Membership.objects.filter(
                cluster__in=clusters.filter(slug=cluster).values("pk")
            ).values("company_id")
        )
    if active is not None:
        qs = qs.filter(active=active)
    if demo is not None:
        qs = qs.filter(is_demo=demo)
    return qs


def filter_memberships(
    qs: QuerySet,
    *,
    cluster: str = "",
    company: str = "",
    role: str = "",
    kind: str = "",
    filiere: str = "",
    region: str = "",
    departement: str = "",
    territoire: str = "",
    naf: str = "",
    label: str = "",
) -> QuerySet:
    cluster, company, role, kind = clean(cluster), clean(company), clean(role), clean(kind)
    filiere, region, departement = clean(filiere), clean(region), clean(departement)
    territoire, naf, label = clean(territoire), clean(naf), clean(label)
    if cluster:
        qs = qs.filter(cluster__slug=cluster)
    if company:
        qs = qs.filter(company__siren=company)
    if role:
        qs = qs.filter(role=role)
    if kind:
        qs = qs.filter(cluster__kind=kind)
    if label:
        qs = qs.filter(cluster__labels__icontains=f'"{label}"')
    return qs.filter(
        _company_q(
            "company__",
            naf=naf,
            filiere=filiere,
            region=region,
            departement=departement,
            territoire=territoire,
        )
    )
