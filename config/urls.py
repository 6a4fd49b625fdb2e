from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path

from config.api import api


def api_not_found(request, rest=""):
    # Unknown API paths answer JSON like every other API error, not an HTML page.
    return JsonResponse({"detail": f"No API endpoint at {request.path}."}, status=404)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
]

urlpatterns += [
    path("", include(f"{app}.urls"))
    for app in (
        "territories",
        "activities",
        "directory",
        "surveys",
        "showcase",
        "accounts",
        "campaigns",
    )
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
