from django.http import JsonResponse
from ninja import Router

from territories.geo import boundaries

router = Router(tags=["territories"])


@router.get("/geo/regions.geojson", summary="Région boundaries (GeoJSON) with directory counts")
def regions_geojson(request):
    return JsonResponse(boundaries("regions"), content_type="application/geo+json")


@router.get(
    "/geo/departements.geojson",
    summary="Département boundaries (GeoJSON) with directory counts",
)
def departements_geojson(request):
    return JsonResponse(boundaries("departements"), content_type="application/geo+json")
