"""Read-only API over the reference geography.

Lists are paginated (`page`, `page_size`) and give the total `count`. Codes are
INSEE codes; a commune's former code answers with today's commune.
"""

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from core.text import normalize_name
from territories.api_types import Pagination, Text, first_or_404
from territories.geo import cached_boundaries_json
from territories.lookups import resolve_commune
from territories.models import EPCI, Commune, Departement, Region, TerritoireIndustrie, ZoneEmploi

router = Router(tags=["territories"])
PAGE_SIZE = settings.MAPSTER_API_PAGE_SIZE


def _geojson_response(request, level: str) -> HttpResponse:
    body, digest = cached_boundaries_json(level)
    etag = f'"{digest}"'
    # Counts are public aggregates, the same for every reader: shared caches may keep
    # them a minute, then revalidate cheaply with the ETag.
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=60"
    return response


# Gzipped here only, never site-wide: compressing pages that carry a CSRF token would
# expose them to BREACH; these public JSON bodies hold no secret.
@router.get("/geo/regions.geojson", summary="Région boundaries (GeoJSON) with directory counts")
@decorate_view(gzip_page)
def regions_geojson(request):
    return _geojson_response(request, "regions")


@router.get(
    "/geo/departements.geojson",
    summary="Département boundaries (GeoJSON) with directory counts",
)
@decorate_view(gzip_page)
def departements_geojson(request):
    return _geojson_response(request, "departements")


class RegionOut(Schema):
    code: str
    name: str
    slug: str
    zone: str
    chef_lieu: str
    departements: int = Field(alias="n_departements")


class DepartementOut(Schema):
    code: str
    name: str
    slug: str
    region: str = Field(alias="region_id")
    zone: str
    chef_lieu: str


class EpciOut(Schema):
    siren: str
    name: str
    kind: str
    population: int | None
    communes: int = Field(alias="n_communes")


class CommuneOut(Schema):
    code: str
    name: str
    kind: str
    city: str | None = Field(alias="city_id")
    departement: str = Field(alias="departement_id")
    region: str = Field(alias="region_id")
    epci: str | None = Field(alias="epci_id")
    zone_emploi: str | None = Field(alias="zone_emploi_id")
    population: int | None
    postal_codes: list[str]
    lat: float | None
    lon: float | None
    centre_method: str


class CommuneDetail(CommuneOut):
    former_codes: list[str]
    programmes: dict
    territoires_industrie: list[str]

    @staticmethod
    def resolve_former_codes(obj):
        return list(obj.former_codes.order_by("code").values_list("code", flat=True))

    @staticmethod
    def resolve_territoires_industrie(obj):
        return list(obj.territoires.order_by("slug").values_list("slug", flat=True))


class ZoneEmploiOut(Schema):
    code: str
    name: str
    communes: int = Field(alias="n_communes")


class TerritoireOut(Schema):
    slug: str
    name: str
    generation: str
    region: str | None = Field(alias="region_id")
    list_label: str
    communes: int = Field(alias="n_communes")


class EpciRef(Schema):
    siren: str
    name: str


class TerritoireDetail(TerritoireOut):
    departements: list[str]
    epcis: list[EpciRef]
    commune_codes: list[str]
    source_url: str
    notes: str

    @staticmethod
    def resolve_departements(obj):
        return list(obj.departements.order_by("code").values_list("code", flat=True))

    @staticmethod
    def resolve_epcis(obj):
        return list(obj.epcis.order_by("name").values("siren", "name"))

    @staticmethod
    def resolve_commune_codes(obj):
        return list(obj.communes.order_by("code").values_list("code", flat=True))


@router.get("/regions", response=list[RegionOut], summary="Régions (metro and DROM)")
@paginate(Pagination, page_size=PAGE_SIZE)
def regions(request):
    return Region.objects.annotate(n_departements=Count("departements")).order_by("code")


@router.get("/regions/{code}", response=RegionOut, summary="One région by INSEE code")
def region(request, code: Text):
    return first_or_404(
        Region.objects.annotate(n_departements=Count("departements")).filter(code=code),
        _("Code région inconnu : « %(code)s ».") % {"code": code},
    )


class DepartementFilter(Schema):
    region: Text | None = None


@router.get("/departements", response=list[DepartementOut], summary="Départements")
@paginate(Pagination, page_size=PAGE_SIZE)
def departements(request, filters: Query[DepartementFilter]):
    qs = Departement.objects.order_by("code")
    if filters.region:
        qs = qs.filter(region_id=filters.region)
    return qs


@router.get("/departements/{code}", response=DepartementOut, summary="One département")
def departement(request, code: Text):
    return first_or_404(
        Departement.objects.filter(code=code.upper()),
        _("Code département inconnu : « %(code)s ».") % {"code": code},
    )


class EpciFilter(Schema):
    q: Text | None = None
    departement: Text | None = None


@router.get("/epci", response=list[EpciOut], summary="EPCI à fiscalité propre")
@paginate(Pagination, page_size=PAGE_SIZE)
def epcis(request, filters: Query[EpciFilter]):
    qs = EPCI.objects.all()
    if filters.departement:
        qs = qs.filter(
            siren__in=Commune.objects.filter(departement_id=filters.departement.upper())
            .exclude(epci=None)
            .values("epci_id")
        )
    if filters.q:
        qs = qs.filter(name__icontains=filters.q.strip())
    return qs.annotate(n_communes=Count("communes")).order_by("name")


@router.get("/epci/{siren}", response=EpciOut, summary="One EPCI by SIREN")
def epci(request, siren: Text):
    return first_or_404(
        EPCI.objects.annotate(n_communes=Count("communes")).filter(siren=siren),
        _("SIREN d'EPCI inconnu : « %(siren)s ».") % {"siren": siren},
    )


class CommuneFilter(Schema):
    code: Text | None = None
    q: Text | None = None
    departement: Text | None = None


@router.get("/communes", response=list[CommuneOut], summary="Communes and arrondissements")
@paginate(Pagination, page_size=PAGE_SIZE)
def communes(request, filters: Query[CommuneFilter]):
    qs = Commune.objects.defer("programmes").order_by("code")
    if filters.code:
        qs = qs.filter(code=filters.code.strip().upper())
    if filters.departement:
        qs = qs.filter(departement_id=filters.departement.strip().upper())
    if filters.q:
        key = normalize_name(filters.q)
        qs = qs.filter(Q(name_key__startswith=key)).order_by("name_key", "code")
    return qs


@router.get(
    "/communes/{code}",
    response=CommuneDetail,
    summary="One commune by INSEE code; a former code gives today's commune",
)
def commune(request, code: Text):
    c = resolve_commune(code)
    if c is None:
        raise Http404(_("Code commune inconnu : « %(code)s ».") % {"code": code})
    return c


@router.get("/zones-emploi", response=list[ZoneEmploiOut], summary="Zones d'emploi 2020")
@paginate(Pagination, page_size=PAGE_SIZE)
def zones_emploi(request):
    return ZoneEmploi.objects.annotate(n_communes=Count("communes")).order_by("code")


@router.get("/zones-emploi/{code}", response=ZoneEmploiOut, summary="One zone d'emploi")
def zone_emploi(request, code: Text):
    return first_or_404(
        ZoneEmploi.objects.annotate(n_communes=Count("communes")).filter(code=code),
        _("Code de zone d'emploi inconnu : « %(code)s ».") % {"code": code},
    )


class TerritoireFilter(Schema):
    generation: Text | None = None
    region: Text | None = None
    q: Text | None = None


@router.get(
    "/territoires-industrie", response=list[TerritoireOut], summary="Territoires d'industrie"
)
@paginate(Pagination, page_size=PAGE_SIZE)
def territoires(request, filters: Query[TerritoireFilter]):
    qs = TerritoireIndustrie.objects.annotate(n_communes=Count("communes"))
    if filters.generation:
        qs = qs.filter(generation=filters.generation)
    if filters.region:
        qs = qs.filter(region_id=filters.region)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q.strip())
    return qs.order_by("name", "generation")


@router.get(
    "/territoires-industrie/{slug}",
    response=TerritoireDetail,
    summary="One Territoire d'industrie with its départements, EPCI and communes",
)
def territoire(request, slug: Text):
    t = TerritoireIndustrie.objects.annotate(n_communes=Count("communes")).filter(slug=slug)
    return first_or_404(t, _("Territoire d'industrie inconnu : « %(slug)s ».") % {"slug": slug})
