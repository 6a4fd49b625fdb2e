from django.conf import settings


def site(request):
    return {
        "SITE_URL": settings.SITE_URL,
        "TILE_URL": settings.MAPSTER_TILE_URL,
        "TILE_ATTRIBUTION": settings.MAPSTER_TILE_ATTRIBUTION,
    }
