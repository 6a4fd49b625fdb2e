"""Directory API v1: clusters, companies, establishments, memberships.

Reads are open: public fields to anyone, private ones (`private`) to those
accounts.permissions allows. Writes need an API token and obey the same rules as
the pages. Every write is recorded by directory.audit. Fields are documented in
docs/api.md (a test checks that every output field is).
"""

from __future__ import annotations

import datetime
import math
from typing import Annotated, Any, Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import JsonResponse, QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Path as PathParam
from ninja.errors import HttpError
from pydantic import model_validator

from accounts import permissions as perms
from accounts.tokens import TokenAuth, request_user
from activities.models import Filiere, NafCode
from directory import audit
from directory.filters import ClusterFilter, CompanyFilter, member_count
from directory.listing import (
    clean,
    filter_clusters,
    filter_companies,
    filter_establishments,
    filter_memberships,
    search,
)
from directory.models import Cluster, Company, Establishment, Membership
from territories.models import Commune, Region

router = Router(tags=["directory"])
token_auth = TokenAuth()

# Strings never carry NUL (PostgreSQL refuses them): reject with a 422 instead of a 500.
_NO_NUL = r"^[^\x00]*$"


def _text(max_length: int, **kw):
    return Annotated[str, Field(max_length=max_length, pattern=_NO_NUL, **kw)]


Slug = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[-a-zA-Z0-9_]+$")]
Code = Annotated[str, Field(min_length=1, max_length=10, pattern=r"^[0-9A-Za-z.]+$")]
Siren = Annotated[str, Field(pattern=r"^[0-9]{9}$")]
Siret = Annotated[str, Field(pattern=r"^[0-9]{14}$")]
Url = Annotated[str, Field(max_length=300, pattern=r"^(https?://[^\s\x00]+)?$")]
ClusterKind = Literal[tuple(Cluster.Kind.values)]
Visibility = Literal[tuple(Cluster.Visibility.values)]
MemberRole = Literal[tuple(Membership.Role.values)]


class Error(Schema):
    detail: str
    errors: list[Any] | None = None


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
READ_ERRORS = {401: Error, 404: Error, 422: Error}


# Output schemas ---------------------------------------------------------------------


class ContactOut(Schema):
    name: str
    role: str
    email: str
    phone: str
    consent_at: datetime.datetime | None


class ClusterPrivate(Schema):
    visibility: str
    provenance_detail: str
    contacts: list[ContactOut]


class ClusterOut(Schema):
    slug: str
    name: str
    acronym: str
    kind: str
    kind_label: str
    siren: str
    address: str
    commune: str | None
    commune_name: str | None
    departement: str | None
    regions: list[str]
    main_filiere: str | None
    filieres: list[str]
    description: str
    description_en: str
    website: str
    labels: list[str]
    declared_members: int | None
    member_count: int
    logo: str | None
    lat: float | None
    lon: float | None
    is_demo: bool
    provenance: str
    source_vintage: str
    updated_at: datetime.datetime
    private: ClusterPrivate | None


class CompanyOut(Schema):
    siren: str
    name: str
    naf: str | None
    naf_label: str | None
    filiere: str | None
    headcount_band: str
    legal_category: str
    created_on: datetime.date | None
    active: bool
    commune: str | None
    commune_name: str | None
    departement: str | None
    region: str | None
    lat: float | None
    lon: float | None
    website: str
    offer: str
    clusters: list[str]
    is_demo: bool
    provenance: str
    updated_at: datetime.datetime


class EstablishmentOut(Schema):
    siret: str
    siren: str
    name: str
    is_head_office: bool
    naf: str | None
    headcount_band: str
    active: bool
    address: str
    commune: str | None
    commune_name: str | None
    departement: str | None
    region: str | None
    lat: float | None
    lon: float | None
    is_demo: bool
    provenance: str


class MembershipOut(Schema):
    id: int
    cluster: str
    cluster_name: str
    company: str
    company_name: str
    establishment: str | None
    role: str
    started_on: datetime.date | None
    is_demo: bool
    provenance: str
    updated_at: datetime.datetime


class ClusterPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[ClusterOut]


class CompanyPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[CompanyOut]


class EstablishmentPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[EstablishmentOut]


class MembershipPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[MembershipOut]


class Geometry(Schema):
    type: Literal["Point"]
    coordinates: list[float]


class Feature(Schema):
    type: Literal["Feature"]
    geometry: Geometry
    properties: dict[str, Any]


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    count: int
    truncated: bool
    features: list[Feature]


_GEO_DOC = {
    "responses": {
        200: {
            "content": {
                "application/geo+json": {
                    "schema": {"$ref": "#/components/schemas/FeatureCollection"}
                }
            }
        }
    }
}


# Query parameters -------------------------------------------------------------------

_Param = _text(200)


class Paging(Schema):
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    page_size: int = Field(
        None, ge=1, le=1000, description="Results per page (default MAPSTER_API_PAGE_SIZE)."
    )


class ClusterFilters(Paging):
    q: _Param = ""
    sort: Literal["name", "-members", "kind", "-updated", "relevance"] | None = None
    ti: _Param = ""
    kind: ClusterKind | None = None
    filiere: _Param = ""
    region: _Param = ""
    departement: _Param = ""
    territoire: _Param = ""
    label: _Param = ""
    naf: _Param = ""
    company: _Param = ""
    demo: bool | None = None


class CompanyFilters(Paging):
    q: _Param = ""
    sort: _Param = ""
    headcount: _Param = ""
    kind: ClusterKind | None = None
    filiere: _Param = ""
    region: _Param = ""
    departement: _Param = ""
    territoire: _Param = ""
    label: _Param = ""
    naf: _Param = ""
    cluster: _Param = ""
    active: bool | None = None
    demo: bool | None = None


class EstablishmentFilters(Paging):
    q: _Param = ""
    company: _Param = ""
    filiere: _Param = ""
    region: _Param = ""
    departement: _Param = ""
    territoire: _Param = ""
    naf: _Param = ""
    cluster: _Param = ""
    active: bool | None = None
    demo: bool | None = None


class MembershipFilters(Paging):
    cluster: _Param = ""
    company: _Param = ""
    role: MemberRole | None = None
    kind: ClusterKind | None = None
    filiere: _Param = ""
    region: _Param = ""
    departement: _Param = ""
    territoire: _Param = ""
    naf: _Param = ""
    label: _Param = ""


class GeoLimit(Schema):
    limit: int = Field(10_000, ge=1, le=50_000, description="Maximum number of features.")


# Write schemas ----------------------------------------------------------------------


class WriteSchema(Schema):
    @model_validator(mode="before")
    @classmethod
    def _json_object(cls, data):
        # ninja's Schema reads attributes from any object, so a JSON list or scalar
        # would otherwise pass as "no field sent".
        if not isinstance(getattr(data, "_obj", data), dict):
            raise ValueError(_("Le corps de la requête doit être un objet JSON."))
        return data


class ClusterCreate(WriteSchema):
    slug: Slug
    name: _text(200, min_length=1)
    acronym: _text(40) = ""
    kind: ClusterKind = Cluster.Kind.CLUSTER
    siren: Annotated[str, Field(pattern=r"^([0-9]{9})?$")] = ""
    commune: Code | None = None
    address: _text(300) = ""
    regions: list[Code] = Field(default_factory=list, max_length=20)
    main_filiere: Slug | None = None
    filieres: list[Slug] = Field(default_factory=list, max_length=20)
    description: _text(20_000) = ""
    description_en: _text(20_000) = ""
    website: Url = ""
    labels: list[Slug] = Field(default_factory=list, max_length=20)
    declared_members: int | None = Field(None, ge=0, le=10_000_000)
    visibility: Visibility = Cluster.Visibility.PUBLIC


class ClusterUpdate(WriteSchema):
    """Only the fields sent change (PATCH)."""

    name: _text(200, min_length=1) = None
    acronym: _text(40) = None
    kind: ClusterKind = None
    siren: Annotated[str, Field(pattern=r"^([0-9]{9})?$")] = None
    commune: Code | None = None
    address: _text(300) = None
    regions: list[Code] = Field(None, max_length=20)
    main_filiere: Slug | None = None
    filieres: list[Slug] = Field(None, max_length=20)
    description: _text(20_000) = None
    description_en: _text(20_000) = None
    website: Url = None
    labels: list[Slug] = Field(None, max_length=20)
    declared_members: int | None = Field(None, ge=0, le=10_000_000)
    visibility: Visibility = None


class CompanyUpdate(WriteSchema):
    name: _text(250, min_length=1) = None
    naf: Code | None = None
    commune: Code | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    website: Url = None
    offer: _text(20_000) = None


class MembershipCreate(WriteSchema):
    cluster: Slug
    company: Siren
    establishment: Siret | None = None
    role: MemberRole = Membership.Role.MEMBER
    started_on: datetime.date | None = None


class MembershipUpdate(WriteSchema):
    establishment: Siret | None = None
    role: MemberRole = None
    started_on: datetime.date | None = None


MembershipId = Annotated[int, PathParam(..., ge=1, le=2**62)]


# Helpers ----------------------------------------------------------------------------


def _page(qs: QuerySet, paging: Paging, serialize) -> dict:
    size = paging.page_size or settings.MAPSTER_API_PAGE_SIZE
    count = qs.count()
    start = (paging.page - 1) * size
    rows = list(qs[start : start + size]) if start < count else []
    return {
        "count": count,
        "page": paging.page,
        "pages": max(1, math.ceil(count / size)),
        "page_size": size,
        "items": [serialize(r) for r in rows],
    }


def _reader(request):
    return request_user(request)


def _cluster_qs(user) -> QuerySet:
    return (
        perms.visible_clusters(user)
        .select_related("commune", "main_filiere")
        .prefetch_related("regions", "filieres")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name", "pk")
    )


def _get_cluster(user, slug: str) -> Cluster:
    slug = clean(slug)
    cluster = _cluster_qs(user).filter(slug=slug).first() if slug else None
    if cluster is None:
        raise HttpError(404, _("Cluster introuvable."))
    return cluster


def _cluster_out(cluster: Cluster, user, private: bool | None = None) -> dict:
    commune = cluster.commune
    if private is None:
        private = perms.can_view_private(user, cluster)
    return {
        "slug": cluster.slug,
        "name": cluster.name,
        "acronym": cluster.acronym,
        "kind": cluster.kind,
        "kind_label": str(cluster.get_kind_display()),
        "siren": cluster.siren,
        "address": cluster.address,
        "commune": cluster.commune_id,
        "commune_name": commune.name if commune else None,
        "departement": commune.departement_id if commune else None,
        "regions": sorted(r.code for r in cluster.regions.all()),
        "main_filiere": cluster.main_filiere_id,
        "filieres": sorted(f.slug for f in cluster.filieres.all()),
        "description": cluster.description,
        "description_en": cluster.description_en,
        "website": cluster.website,
        "labels": [str(x) for x in (cluster.labels or [])],
        "declared_members": cluster.declared_members,
        "member_count": getattr(cluster, "member_count", None) or cluster.memberships.count(),
        "logo": cluster.logo.url if cluster.logo else None,
        "lat": commune.lat if commune else None,
        "lon": commune.lon if commune else None,
        "is_demo": cluster.is_demo,
        "provenance": cluster.provenance,
        "source_vintage": cluster.source_vintage,
        "updated_at": cluster.updated_at,
        "private": (
            {
                "visibility": cluster.visibility,
                "provenance_detail": cluster.provenance_detail,
                "contacts": [
                    {
                        "name": c.name,
                        "role": c.role,
                        "email": c.email,
                        "phone": c.phone,
                        "consent_at": c.consent_at,
                    }
                    for c in cluster.contacts.all()
                ],
            }
            if private
            else None
        ),
    }


def _company_out(company: Company, visible_ids: set[int]) -> dict:
    commune, naf = company.commune, company.naf
    return {
        "siren": company.siren,
        "name": company.name,
        "naf": company.naf_id,
        "naf_label": naf.label if naf else None,
        "filiere": naf.filiere_id if naf else None,
        "headcount_band": company.headcount_band,
        "legal_category": company.legal_category,
        "created_on": company.created_on,
        "active": company.active,
        "commune": company.commune_id,
        "commune_name": commune.name if commune else None,
        "departement": commune.departement_id if commune else None,
        "region": commune.region_id if commune else None,
        "lat": company.lat,
        "lon": company.lon,
        "website": company.website,
        "offer": company.offer,
        "clusters": sorted(
            m.cluster.slug for m in company.memberships.all() if m.cluster_id in visible_ids
        ),
        "is_demo": company.is_demo,
        "provenance": company.provenance,
        "updated_at": company.updated_at,
    }


def _company_qs() -> QuerySet:
    return (
        Company.objects.select_related("commune", "naf")
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("cluster"))
        )
        .order_by("name", "pk")
    )


def _establishment_out(e: Establishment) -> dict:
    commune = e.commune
    return {
        "siret": e.siret,
        "siren": e.company.siren,
        "name": e.name,
        "is_head_office": e.is_head_office,
        "naf": e.naf_id,
        "headcount_band": e.headcount_band,
        "active": e.active,
        "address": e.address,
        "commune": e.commune_id,
        "commune_name": commune.name if commune else None,
        "departement": commune.departement_id if commune else None,
        "region": commune.region_id if commune else None,
        "lat": e.lat,
        "lon": e.lon,
        "is_demo": e.is_demo,
        "provenance": e.provenance,
    }


def _membership_out(m: Membership) -> dict:
    return {
        "id": m.pk,
        "cluster": m.cluster.slug,
        "cluster_name": m.cluster.name,
        "company": m.company.siren,
        "company_name": m.company.name,
        "establishment": m.establishment.siret if m.establishment_id else None,
        "role": m.role,
        "started_on": m.started_on,
        "is_demo": m.is_demo,
        "provenance": m.provenance,
        "updated_at": m.updated_at,
    }


def _membership_qs(user) -> QuerySet:
    return (
        perms.visible_memberships(user)
        .select_related("cluster", "company", "establishment")
        .order_by("cluster__name", "company__name", "pk")
    )


def _geojson(rows, count: int, limit: int) -> JsonResponse:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": props,
        }
        for lat, lon, props in rows
        if lat is not None and lon is not None
    ]
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "count": count,
            "truncated": count > limit,
            "features": features,
        },
        content_type="application/geo+json",
    )


def _lookup(model, pk, label: str, field: str):
    """Resolve a code sent in a body, or 422 naming the field."""

    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise HttpError(
            422,
            _("%(label)s inconnu(e) : « %(value)s » (champ %(field)s).")
            % {"label": label, "value": pk, "field": field},
        )
    return obj


def _null(field: str) -> str:
    return _("Le champ %(field)s ne peut pas être nul.") % {"field": field}


def _check_labels(labels: list[str]) -> None:
    try:
        from directory.labels import LABELS
    except ImportError:  # until directory-data's label list is merged
        return
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise HttpError(
            422,
            _("Label(s) inconnu(s) : %(labels)s (champ labels).") % {"labels": ", ".join(unknown)},
        )


_CLUSTER_FIELDS = [
    "slug",
    "name",
    "acronym",
    "kind",
    "siren",
    "commune",
    "address",
    "regions",
    "main_filiere",
    "filieres",
    "description",
    "description_en",
    "website",
    "labels",
    "declared_members",
    "visibility",
]


def _apply_cluster(cluster: Cluster, data: dict) -> tuple[list | None, list | None]:
    """Set scalar fields on the instance; return M2M values to set after saving."""

    for name in ("name", "acronym", "kind", "siren", "address", "description"):
        if name in data:
            if data[name] is None:
                raise HttpError(422, _null(name))
            setattr(cluster, name, data[name])
    for name in ("description_en", "website", "visibility", "slug"):
        if name in data:
            if data[name] is None:
                raise HttpError(422, _null(name))
            setattr(cluster, name, data[name])
    if "declared_members" in data:
        cluster.declared_members = data["declared_members"]
    if "labels" in data:
        if data["labels"] is None:
            raise HttpError(422, _null("labels"))
        _check_labels(data["labels"])
        cluster.labels = sorted(set(data["labels"]))
    if "commune" in data:
        cluster.commune = _lookup(Commune, data["commune"], _("Commune"), "commune")
    if "main_filiere" in data:
        cluster.main_filiere = _lookup(Filiere, data["main_filiere"], _("Filière"), "main_filiere")
    regions = filieres = None
    if data.get("regions") is not None:
        codes = sorted(set(data["regions"]))
        regions = list(Region.objects.filter(code__in=codes))
        if len(regions) != len(codes):
            missing = sorted(set(codes) - {r.code for r in regions})
            raise HttpError(
                422,
                _("Région(s) inconnue(s) : %(codes)s (champ regions).")
                % {"codes": ", ".join(missing)},
            )
    if data.get("filieres") is not None:
        slugs = sorted(set(data["filieres"]))
        filieres = list(Filiere.objects.filter(slug__in=slugs))
        if len(filieres) != len(slugs):
            missing = sorted(set(slugs) - {f.slug for f in filieres})
            raise HttpError(
                422,
                _("Filière(s) inconnue(s) : %(slugs)s (champ filieres).")
                % {"slugs": ", ".join(missing)},
            )
    return regions, filieres


def _page_params(request, filters) -> QueryDict:
    """The query string as the pages read it (directory.filters), cleaned of NULs.

    Parameters may be repeated to OR values, as on the pages; `territoire` is the
    API's name for the pages' `ti`.
    """

    params = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        params.setlist(key, [clean(v) for v in values])
    if "territoire" in params and "ti" not in params:
        params.setlist("ti", params.getlist("territoire"))
    params.pop("demo", None)
    if getattr(filters, "demo", None) is not None:
        params["demo"] = "1" if filters.demo else "0"
    return params


def _filtered_clusters(request, user, filters: ClusterFilters) -> QuerySet:
    """Visible clusters through the pages' ClusterFilter, then the API-only filters."""

    qs = ClusterFilter(_page_params(request, filters), perms.visible_clusters(user)).queryset()
    if filters.naf or filters.company:
        qs = filter_clusters(qs, naf=filters.naf, company=filters.company)
    return qs


def _listed_companies(user, base: QuerySet) -> QuerySet:
    """As on the pages: companies that belong to at least one cluster the reader may
    see (a company known only through a hidden cluster would reveal that membership).
    Those the reader may edit are always reachable."""

    visible = perms.visible_clusters(user).values("pk")
    in_visible = Membership.objects.filter(cluster__in=visible).values("company_id")
    editable = perms.editable_companies(user).values("pk")
    return base.filter(Q(pk__in=in_visible) | Q(pk__in=editable))


def _filtered_companies(request, user, filters: CompanyFilters, base: QuerySet) -> QuerySet:
    base = _listed_companies(user, base)
    clusters = perms.visible_clusters(user)
    # CompanyFilter only goes through clusters the reader may see, as on the pages.
    qs = CompanyFilter(_page_params(request, filters), base, clusters).queryset()
    return filter_companies(
        qs,
        clusters=clusters,
        kind=filters.kind or "",
        territoire=filters.territoire,
        label=filters.label,
        active=filters.active,
        demo=filters.demo,
    )


# Clusters ---------------------------------------------------------------------------


@router.get("/clusters", response={200: ClusterPage, **READ_ERRORS}, summary="List clusters")
def list_clusters(request, filters: Query[ClusterFilters]):
    user = _reader(request)
    qs = (
        _filtered_clusters(request, user, filters)
        .select_related("commune", "main_filiere")
        .prefetch_related("regions", "filieres", "contacts")
        .annotate(member_count=member_count())
    )
    return _page(qs, filters, lambda c: _cluster_out(c, user))


@router.get(
    "/clusters.geojson",
    response={200: FeatureCollection, **READ_ERRORS},
    summary="Clusters as GeoJSON points (at their commune)",
    openapi_extra=_GEO_DOC,
)
def clusters_geojson(request, filters: Query[ClusterFilters]):
    user = _reader(request)
    qs = Cluster.objects.filter(pk__in=_filtered_clusters(request, user, filters).values("pk"))
    qs = qs.annotate(member_count=member_count())
    rows = qs.order_by("name", "pk").values_list(
        "commune__lat", "commune__lon", "slug", "name", "acronym", "kind", "member_count", "is_demo"
    )
    data = [
        (
            lat,
            lon,
            {
                "slug": slug,
                "name": name,
                "acronym": acronym,
                "kind": kind,
                "member_count": n,
                "is_demo": demo,
            },
        )
        for lat, lon, slug, name, acronym, kind, n, demo in rows
    ]
    return _geojson(data, len(data), len(data))


@router.get("/clusters/{slug}", response={200: ClusterOut, **READ_ERRORS}, summary="One cluster")
def get_cluster(request, slug: str):
    user = _reader(request)
    return _cluster_out(_get_cluster(user, slug), user)


@router.post(
    "/clusters",
    response={201: ClusterOut, **ERRORS},
    auth=token_auth,
    summary="Create a cluster (operators)",
)
def create_cluster(request, payload: ClusterCreate):
    user = request.auth
    if not perms.can_create_cluster(user):
        raise HttpError(403, _("Seuls les opérateurs du réseau peuvent créer un cluster."))
    data = payload.model_dump()
    if Cluster.objects.filter(slug=data["slug"]).exists():
        raise HttpError(409, _("Un cluster « %(slug)s » existe déjà.") % {"slug": data["slug"]})
    cluster = Cluster(provenance="manual")
    regions, filieres = _apply_cluster(cluster, data)
    try:
        with transaction.atomic():
            cluster.save()
            if regions is not None:
                cluster.regions.set(regions)
            if filieres is not None:
                cluster.filieres.set(filieres)
            audit.record(user, "create", cluster, audit.snapshot(cluster, _CLUSTER_FIELDS))
    except IntegrityError as exc:
        raise HttpError(409, _("Ce cluster existe déjà.")) from exc
    return 201, _cluster_out(_get_cluster(user, cluster.slug), user)


@router.patch(
    "/clusters/{slug}",
    response={200: ClusterOut, **ERRORS},
    auth=token_auth,
    summary="Update a cluster (its managers, operators)",
)
def update_cluster(request, slug: str, payload: ClusterUpdate):
    user = request.auth
    cluster = _get_cluster(user, slug)
    if not perms.can_edit_cluster(user, cluster):
        raise HttpError(403, _("Vous ne pouvez pas modifier ce cluster."))
    data = payload.model_dump(exclude_unset=True)
    before = audit.snapshot(cluster, _CLUSTER_FIELDS)
    regions, filieres = _apply_cluster(cluster, data)
    with transaction.atomic():
        cluster.save()
        if regions is not None:
            cluster.regions.set(regions)
        if filieres is not None:
            cluster.filieres.set(filieres)
        changes = audit.diff(before, audit.snapshot(cluster, _CLUSTER_FIELDS))
        if changes:
            audit.record(user, "update", cluster, changes)
    return _cluster_out(_get_cluster(user, cluster.slug), user)


# Companies --------------------------------------------------------------------------


@router.get("/companies", response={200: CompanyPage, **READ_ERRORS}, summary="List companies")
def list_companies(request, filters: Query[CompanyFilters]):
    user = _reader(request)
    clusters = perms.visible_clusters(user)
    qs = _filtered_companies(request, user, filters, _company_qs())
    visible = set(clusters.values_list("pk", flat=True))
    return _page(qs, filters, lambda c: _company_out(c, visible))


@router.get(
    "/companies.geojson",
    response={200: FeatureCollection, **READ_ERRORS},
    summary="Companies as GeoJSON points (own position, else their commune)",
    openapi_extra=_GEO_DOC,
)
def companies_geojson(request, filters: Query[CompanyFilters], geo: Query[GeoLimit]):
    user = _reader(request)
    qs = _filtered_companies(request, user, filters, Company.objects.all())
    count = qs.count()
    rows = qs.values_list(
        "lat", "lon", "commune__lat", "commune__lon", "siren", "name", "naf_id",
        "headcount_band", "is_demo",
    )[: geo.limit]  # fmt: skip
    data = [
        (
            lat if lat is not None and lon is not None else clat,
            lon if lat is not None and lon is not None else clon,
            {"siren": siren, "name": name, "naf": naf, "headcount_band": band, "is_demo": demo},
        )
        for lat, lon, clat, clon, siren, name, naf, band, demo in rows
    ]
    return _geojson(data, count, geo.limit)


@router.get("/companies/{siren}", response={200: CompanyOut, **READ_ERRORS}, summary="One company")
def get_company(request, siren: str):
    user = _reader(request)
    company = _listed_companies(user, _company_qs()).filter(siren=clean(siren)).first()
    if company is None:
        raise HttpError(404, _("Entreprise introuvable."))
    visible = set(perms.visible_clusters(user).values_list("pk", flat=True))
    return _company_out(company, visible)


_COMPANY_FIELDS = ["name", "naf", "commune", "lat", "lon", "website", "offer"]


@router.patch(
    "/companies/{siren}",
    response={200: CompanyOut, **ERRORS},
    auth=token_auth,
    summary="Update a company (its users, managers of its clusters, operators)",
)
def update_company(request, siren: str, payload: CompanyUpdate):
    user = request.auth
    company = _listed_companies(user, Company.objects.all()).filter(siren=clean(siren)).first()
    if company is None:
        raise HttpError(404, _("Entreprise introuvable."))
    if not perms.can_edit_company(user, company):
        raise HttpError(403, _("Vous ne pouvez pas modifier cette entreprise."))
    data = payload.model_dump(exclude_unset=True)
    before = audit.snapshot(company, _COMPANY_FIELDS)
    for name in ("name", "website", "offer"):
        if name in data:
            if data[name] is None:
                raise HttpError(422, _null(name))
            setattr(company, name, data[name])
    for name in ("lat", "lon"):
        if name in data:
            setattr(company, name, data[name])
    if "naf" in data:
        company.naf = _lookup(NafCode, data["naf"], _("Code NAF"), "naf")
    if "commune" in data:
        company.commune = _lookup(Commune, data["commune"], _("Commune"), "commune")
    with transaction.atomic():
        company.save()
        changes = audit.diff(before, audit.snapshot(company, _COMPANY_FIELDS))
        if changes:
            audit.record(user, "update", company, changes)
    reader_visible = set(perms.visible_clusters(user).values_list("pk", flat=True))
    return _company_out(_company_qs().get(pk=company.pk), reader_visible)


# Establishments ---------------------------------------------------------------------


def _listed_establishments(user, base: QuerySet) -> QuerySet:
    return base.filter(company__in=_listed_companies(user, Company.objects.all()).values("pk"))


def _establishment_qs() -> QuerySet:
    return Establishment.objects.select_related("company", "commune").order_by("siret")


@router.get(
    "/establishments",
    response={200: EstablishmentPage, **READ_ERRORS},
    summary="List establishments",
)
def list_establishments(request, filters: Query[EstablishmentFilters]):
    user = _reader(request)
    qs = filter_establishments(
        _listed_establishments(user, _establishment_qs()),
        clusters=perms.visible_clusters(user),
        company=filters.company,
        filiere=filters.filiere,
        region=filters.region,
        departement=filters.departement,
        territoire=filters.territoire,
        naf=filters.naf,
        cluster=filters.cluster,
        active=filters.active,
        demo=filters.demo,
    )
    qs = search(qs, "establishment", filters.q)
    return _page(qs, filters, _establishment_out)


@router.get(
    "/establishments.geojson",
    response={200: FeatureCollection, **READ_ERRORS},
    summary="Establishments as GeoJSON points (own position, else their commune)",
    openapi_extra=_GEO_DOC,
)
def establishments_geojson(request, filters: Query[EstablishmentFilters], geo: Query[GeoLimit]):
    user = _reader(request)
    qs = filter_establishments(
        _listed_establishments(user, Establishment.objects.all()),
        clusters=perms.visible_clusters(user),
        company=filters.company,
        filiere=filters.filiere,
        region=filters.region,
        departement=filters.departement,
        territoire=filters.territoire,
        naf=filters.naf,
        cluster=filters.cluster,
        active=filters.active,
        demo=filters.demo,
    )
    qs = search(qs, "establishment", filters.q)
    count = qs.count()
    rows = qs.order_by("siret").values_list(
        "lat", "lon", "commune__lat", "commune__lon", "siret", "name", "company__name",
        "is_head_office", "is_demo",
    )[: geo.limit]  # fmt: skip
    data = [
        (
            lat if lat is not None and lon is not None else clat,
            lon if lat is not None and lon is not None else clon,
            {
                "siret": siret,
                "name": name or company_name,
                "is_head_office": head,
                "is_demo": demo,
            },
        )
        for lat, lon, clat, clon, siret, name, company_name, head, demo in rows
    ]
    return _geojson(data, count, geo.limit)


@router.get(
    "/establishments/{siret}",
    response={200: EstablishmentOut, **READ_ERRORS},
    summary="One establishment",
)
def get_establishment(request, siret: str):
    user = _reader(request)
    listed = _listed_establishments(user, _establishment_qs())
    establishment = listed.filter(siret=clean(siret)).first()
    if establishment is None:
        raise HttpError(404, _("Établissement introuvable."))
    return _establishment_out(establishment)


# Memberships ------------------------------------------------------------------------


@router.get(
    "/memberships", response={200: MembershipPage, **READ_ERRORS}, summary="List memberships"
)
def list_memberships(request, filters: Query[MembershipFilters]):
    user = _reader(request)
    qs = filter_memberships(
        _membership_qs(user),
        cluster=filters.cluster,
        company=filters.company,
        role=filters.role or "",
        kind=filters.kind or "",
        filiere=filters.filiere,
        region=filters.region,
        departement=filters.departement,
        territoire=filters.territoire,
        naf=filters.naf,
        label=filters.label,
    )
    return _page(qs, filters, _membership_out)


def _get_membership(user, pk: int) -> Membership:
    membership = _membership_qs(user).filter(pk=pk).first()
    if membership is None:
        raise HttpError(404, _("Adhésion introuvable."))
    return membership


@router.get(
    "/memberships/{membership_id}",
    response={200: MembershipOut, **READ_ERRORS},
    summary="One membership",
)
def get_membership(request, membership_id: MembershipId):
    return _membership_out(_get_membership(_reader(request), membership_id))


def _establishment_for(company: Company, siret: str | None):
    if siret is None:
        return None
    establishment = Establishment.objects.filter(siret=siret).first()
    if establishment is None or establishment.company_id != company.pk:
        raise HttpError(
            422,
            _(
                "Établissement « %(siret)s » inconnu ou d'une autre entreprise "
                "(champ establishment)."
            )
            % {"siret": siret},
        )
    return establishment


_MEMBERSHIP_FIELDS = ["cluster", "company", "establishment", "role", "started_on"]


@router.post(
    "/memberships",
    response={201: MembershipOut, **ERRORS},
    auth=token_auth,
    summary="Add a company to a cluster (its managers, operators)",
)
def create_membership(request, payload: MembershipCreate):
    user = request.auth
    cluster = perms.visible_clusters(user).filter(slug=payload.cluster).first()
    if cluster is None:
        raise HttpError(404, _("Cluster introuvable."))
    if not perms.can_edit_memberships(user, cluster):
        raise HttpError(403, _("Vous ne pouvez pas modifier les adhérents de ce cluster."))
    company = Company.objects.filter(siren=payload.company).first()
    if company is None:
        raise HttpError(
            422,
            _("Entreprise « %(siren)s » inconnue (champ company).") % {"siren": payload.company},
        )
    establishment = _establishment_for(company, payload.establishment)
    if Membership.objects.filter(cluster=cluster, company=company).exists():
        raise HttpError(409, _("Cette entreprise est déjà adhérente de ce cluster."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                cluster=cluster,
                company=company,
                establishment=establishment,
                role=payload.role,
                started_on=payload.started_on,
                provenance="manual",
            )
            audit.record(user, "create", membership, audit.snapshot(membership, _MEMBERSHIP_FIELDS))
    except IntegrityError as exc:
        raise HttpError(409, _("Cette entreprise est déjà adhérente de ce cluster.")) from exc
    return 201, _membership_out(_get_membership(user, membership.pk))


def _editable_membership(user, pk: int) -> Membership:
    membership = _get_membership(user, pk)
    if not perms.can_edit_memberships(user, membership.cluster):
        raise HttpError(403, _("Vous ne pouvez pas modifier les adhérents de ce cluster."))
    return membership


@router.patch(
    "/memberships/{membership_id}",
    response={200: MembershipOut, **ERRORS},
    auth=token_auth,
    summary="Change a membership (its cluster's managers, operators)",
)
def update_membership(
    request,
    payload: MembershipUpdate,
    membership_id: MembershipId,
):
    user = request.auth
    membership = _editable_membership(user, membership_id)
    data = payload.model_dump(exclude_unset=True)
    before = audit.snapshot(membership, _MEMBERSHIP_FIELDS)
    if "role" in data:
        if data["role"] is None:
            raise HttpError(422, _null("role"))
        membership.role = data["role"]
    if "started_on" in data:
        membership.started_on = data["started_on"]
    if "establishment" in data:
        membership.establishment = _establishment_for(membership.company, data["establishment"])
    with transaction.atomic():
        membership.save()
        changes = audit.diff(before, audit.snapshot(membership, _MEMBERSHIP_FIELDS))
        if changes:
            audit.record(user, "update", membership, changes)
    return _membership_out(_get_membership(user, membership.pk))


@router.delete(
    "/memberships/{membership_id}",
    response={204: None, **ERRORS},
    auth=token_auth,
    summary="Remove a company from a cluster (its managers, operators)",
)
def delete_membership(request, membership_id: MembershipId):
    user = request.auth
    membership = _editable_membership(user, membership_id)
    with transaction.atomic():
        # Recorded before deleting: the entry keeps the id and what was removed.
        audit.record(user, "delete", membership, audit.snapshot(membership, _MEMBERSHIP_FIELDS))
        membership.delete()
    return 204, None
