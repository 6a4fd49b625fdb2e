"""Filters shared by the directory pages, the map and the exports.

The whole state lives in GET parameters so that a URL can be bookmarked, shared and
reloaded, and so that the map and the directory read the very same filters:

- clusters: q, kind, filiere, region, departement, ti, label, demo, sort, page
- companies: q, naf, filiere, region, departement, cluster, headcount, sort, page

A facet may be repeated (``filiere=a&filiere=b``): values of one facet are OR-ed,
facets are AND-ed. Each facet's counts are computed on the results filtered by every
*other* facet, so that ticking a value never hides its siblings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from activities.models import Filiere
from core.insee import HEADCOUNT_BANDS
from directory.labels import label_choices
from directory.models import Cluster, Company, Membership
from territories.models import Departement, Region, TerritoireIndustrie

TI_GENERATION = TerritoireIndustrie.Generation.SECOND


def search(qs: QuerySet, kind: str, query: str) -> QuerySet:
    """Full-text search through core.search (accent-insensitive, stemmed)."""

    query = (query or "").strip()
    if not query:
        return qs
    from core.search import filter_queryset

    return filter_queryset(qs, kind, query)


def _sort(params: QueryDict, sorts: dict, query: str) -> str:
    """The requested sort; by relevance by default while searching, else by name."""

    requested = params.get("sort", "")
    if requested == "relevance" and query:
        return requested
    if requested in sorts:
        return requested
    return "relevance" if query else "name"


def _values(params: QueryDict, name: str) -> list[str]:
    return [v for v in params.getlist(name) if v.strip()]


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    title: str
    values: list[FacetValue] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]


# Clusters ---------------------------------------------------------------------------

CLUSTER_FACETS = ["kind", "filiere", "region", "departement", "ti", "label"]
CLUSTER_SORTS = {
    "name": ("name",),
    "-members": ("-n_members", "name"),
    "kind": ("kind", "name"),
    "-updated": ("-updated_at", "name"),
}


def _cluster_facet_q(name: str, values: list[str]) -> Q:
    if name == "kind":
        return Q(kind__in=values)
    if name == "filiere":
        return Q(filieres__slug__in=values) | Q(main_filiere__slug__in=values)
    if name == "region":
        return Q(regions__code__in=values) | Q(commune__region__code__in=values)
    if name == "departement":
        return Q(commune__departement__code__in=values)
    if name == "ti":
        # A cluster belongs to a Territoire d'industrie when its head office or one of
        # its members is located in one of the territory's communes.
        members = Membership.objects.filter(
            company__commune__territoires__slug__in=values,
        ).values("cluster_id")
        return Q(commune__territoires__slug__in=values) | Q(pk__in=members)
    if name == "label":
        return _label_q(values)
    raise KeyError(name)


def _json_contains_ok() -> bool:
    from django.db import connection

    # SQLite has no JSON containment lookup; labels are short codes so a text match
    # on the serialised list (quoted) is exact enough there.
    return connection.vendor == "postgresql"


def _label_q(values):
    cond = Q()
    for v in values:
        if _json_contains_ok():
            cond |= Q(labels__contains=[v])
        else:
            cond |= Q(labels__icontains=f'"{v}"')
    return cond


class ClusterFilter:
    def __init__(self, params: QueryDict, base: QuerySet):
        self.params = params
        self.base = base
        self.q = params.get("q", "").strip()
        self.selected = {name: _values(params, name) for name in CLUSTER_FACETS}
        self.demo = params.get("demo", "")  # "" all, "0" real only, "1" demo only
        self.sort = _sort(params, CLUSTER_SORTS, self.q)
        self._ids: list[int] | None = None

    def _search_ids(self) -> list[int] | None:
        if not self.q:
            return None
        if self._ids is None:
            self._ids = list(
                search(Cluster.objects.all(), "cluster", self.q).values_list("pk", flat=True)
            )
        return self._ids

    def _apply(self, qs: QuerySet, skip: str | None = None) -> QuerySet:
        """Filtered clusters, unordered and free of search SQL (safe in subqueries)."""

        ids = self._search_ids()
        if ids is not None:
            qs = qs.filter(pk__in=ids)
        if self.demo in ("0", "1"):
            qs = qs.filter(is_demo=self.demo == "1")
        for name, values in self.selected.items():
            if values and name != skip:
                cond = _cluster_facet_q(name, values)
                qs = qs.filter(pk__in=Cluster.objects.filter(cond).values("pk"))
        return qs

    @property
    def is_active(self) -> bool:
        return bool(self.q or self.demo or any(self.selected.values()))

    def queryset(self) -> QuerySet:
        qs = self._apply(self.base)
        if self.sort == "relevance":
            return search(qs, "cluster", self.q)
        order = CLUSTER_SORTS[self.sort]
        if "-n_members" in order:
            qs = qs.annotate(n_members=member_count())
        return qs.order_by(*order)

    def facets(self, scope: str = "") -> list[Facet]:
        """Facet values with counts, cached per filter state, user scope and data version.

        Counting members' Territoires d'industrie walks every membership: worth caching
        for the few minutes during which people click through the same facets.
        """

        from django.core.cache import cache

        from directory.mapdata import CACHE_SECONDS, data_version

        state = sorted(
            (k, sorted(v)) for k, v in self.params.lists() if k not in ("page", "sort", "export")
        )
        # The labels are translated: one cache entry per language.
        language = get_language()
        digest = hashlib.sha256(f"{scope}|{language}|{state}|{data_version()}".encode()).hexdigest()
        key = f"mapster:facets:{digest}"
        facets = cache.get(key)
        if facets is None:
            facets = self._facets()
            cache.set(key, facets, CACHE_SECONDS)
        return facets

    def _facets(self) -> list[Facet]:
        out = []
        for name in CLUSTER_FACETS:
            ids = self._apply(self.base, skip=name).values("pk")
            counts, labels = self._facet_counts(name, ids)
            chosen = set(self.selected[name])
            values = [
                FacetValue(value, labels.get(value, value), n, value in chosen)
                for value, n in counts
                if n or value in chosen
            ]
            # A ticked value always shows (first, so that a long scrolling list never
            # hides it), even when nothing is left to count: it can still be unticked.
            listed = {v.value for v in values}
            values += [
                FacetValue(value, labels.get(value, value), 0, True)
                for value in self.selected[name]
                if value not in listed
            ]
            values.sort(key=lambda v: not v.selected)
            out.append(Facet(name, FACET_TITLES[name], values))
        return out

    def _facet_counts(self, name: str, ids) -> tuple[list[tuple[str, int]], dict]:
        clusters = Cluster.objects.filter(pk__in=ids)
        if name == "kind":
            rows = clusters.values_list("kind").annotate(n=Count("pk")).order_by("-n")
            return [(k, n) for k, n in rows], {k: str(v) for k, v in Cluster.Kind.choices}
        if name == "filiere":
            pairs = set(
                Cluster.filieres.through.objects.filter(cluster_id__in=ids).values_list(
                    "filiere_id", "cluster_id"
                )
            )
            pairs |= set(clusters.exclude(main_filiere=None).values_list("main_filiere_id", "pk"))
            names = dict(Filiere.objects.values_list("slug", "name"))
            positions = dict(Filiere.objects.values_list("slug", "position"))
            return _tally(pairs, names, positions), names
        if name == "region":
            pairs = set(
                Cluster.regions.through.objects.filter(cluster_id__in=ids).values_list(
                    "region_id", "cluster_id"
                )
            )
            pairs |= set(clusters.exclude(commune=None).values_list("commune__region_id", "pk"))
            names = dict(Region.objects.values_list("code", "name"))
            return _tally(pairs, names), names
        if name == "departement":
            rows = (
                Departement.objects.filter(communes__clusters__in=ids)
                .values_list("code", "name")
                .annotate(n=Count("communes__clusters", distinct=True))
                .order_by("code")
            )
            return [(c, n) for c, _l, n in rows], {c: f"{label} ({c})" for c, label, _n in rows}
        if name == "ti":
            # Python tally over (cluster, commune) pairs: joining 80,000 memberships to the
            # territories' commune lists in SQL is an order of magnitude slower.
            through = TerritoireIndustrie.communes.through.objects.filter(
                territoireindustrie__generation=TI_GENERATION
            ).values_list("commune_id", "territoireindustrie__slug")
            territories_of: dict[str, list[str]] = {}
            for commune, slug in through:
                territories_of.setdefault(commune, []).append(slug)
            pairs = set()
            located = Membership.objects.filter(cluster__in=ids, company__commune__isnull=False)
            rows = located.values_list("cluster_id", "company__commune_id").distinct().order_by()
            seats = clusters.exclude(commune=None).values_list("pk", "commune_id")
            for rows_ in (rows, seats):
                for cluster_id, commune in rows_:
                    for slug in territories_of.get(commune, ()):
                        pairs.add((slug, cluster_id))
            names = dict(
                TerritoireIndustrie.objects.filter(generation=TI_GENERATION).values_list(
                    "slug", "name"
                )
            )
            return _tally(pairs, names), names
        if name == "label":
            tally: dict[str, int] = {}
            for labels in clusters.values_list("labels", flat=True):
                for code in set(labels or []):
                    tally[code] = tally.get(code, 0) + 1
            names = dict(label_choices())
            order = sorted(tally, key=lambda c: (-tally[c], c))
            return [(c, tally[c]) for c in order], {c: names.get(c, c) for c in order}
        raise KeyError(name)


def member_count(**conditions):
    """Members per cluster as a subquery: no GROUP BY, so it composes with search SQL.

    ``conditions`` filter the memberships counted (``is_demo=True``: the demo ones).
    """

    counts = (
        Membership.objects.filter(cluster=OuterRef("pk"), **conditions)
        .order_by()
        .values("cluster")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def _tally(pairs, names: dict, positions: dict | None = None) -> list[tuple[str, int]]:
    """Distinct clusters per value from (value, cluster) pairs, most frequent first."""

    counts: dict[str, int] = {}
    for value, _cluster in pairs:
        counts[value] = counts.get(value, 0) + 1
    positions = positions or {}
    order = sorted(counts, key=lambda v: (-counts[v], positions.get(v, 0), names.get(v, v)))
    return [(v, counts[v]) for v in order]


FACET_TITLES = {
    "kind": _("Type"),
    "filiere": _("Filière"),
    "region": _("Région"),
    "departement": _("Département"),
    "ti": _("Territoire d'industrie"),
    "label": _("Label"),
    "naf": _("Code NAF"),
    "cluster": _("Cluster"),
    "headcount": _("Effectif"),
}


# Companies --------------------------------------------------------------------------

COMPANY_SORTS = {
    "name": ("name",),
    "-headcount": ("-headcount_band", "name"),
    "commune": ("commune__name", "name"),
}


class CompanyFilter:
    def __init__(
        self,
        params: QueryDict,
        base: QuerySet | None = None,
        clusters: QuerySet | None = None,
    ):
        self.params = params
        self.base = Company.objects.all() if base is None else base
        # The clusters the reader may see: filtering by a hidden cluster's slug must not
        # reveal which companies belong to it.
        self.clusters = Cluster.objects.all() if clusters is None else clusters
        self.q = params.get("q", "").strip()
        self.naf = _values(params, "naf")
        self.filiere = _values(params, "filiere")
        self.region = _values(params, "region")
        self.departement = _values(params, "departement")
        self.cluster = _values(params, "cluster")
        self.headcount = [v for v in _values(params, "headcount") if v in HEADCOUNT_BANDS]
        self.sort = _sort(params, COMPANY_SORTS, self.q)

    @property
    def is_active(self) -> bool:
        return bool(
            self.q
            or self.naf
            or self.filiere
            or self.region
            or self.departement
            or self.cluster
            or self.headcount
        )

    def queryset(self) -> QuerySet:
        qs = self.base
        if self.naf:
            cond = Q()
            for code in self.naf:
                cond |= Q(naf__code__startswith=code.upper())
            qs = qs.filter(cond)
        if self.filiere:
            qs = qs.filter(naf__filiere__slug__in=self.filiere)
        if self.region:
            qs = qs.filter(commune__region__code__in=self.region)
        if self.departement:
            qs = qs.filter(commune__departement__code__in=self.departement)
        if self.cluster:
            qs = qs.filter(
                pk__in=Membership.objects.filter(
                    cluster__slug__in=self.cluster, cluster__in=self.clusters.values("pk")
                ).values("company_id")
            )
        if self.headcount:
            qs = qs.filter(headcount_band__in=self.headcount)
        qs = search(qs, "company", self.q)
        if self.sort == "relevance":
            return qs
        return qs.order_by(*COMPANY_SORTS[self.sort])


def querystring(params: QueryDict, drop: Iterable[str] = ("page",), **changes) -> str:
    """The current GET state with some keys replaced or dropped, for links."""

    q = params.copy()
    for key in drop:
        q.pop(key, None)
    for key, value in changes.items():
        if value in (None, ""):
            q.pop(key, None)
        else:
            q[key] = value
    return q.urlencode()
