"""API v1: one NinjaAPI, with a router per app.

Every error is JSON with a `detail` reason; no request may end in a 500.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

api = NinjaAPI(
    title="Mapster API",
    version="1",
    description=(
        "Open data on French business clusters, pôles de compétitivité, their member "
        "companies and the reference geography. Public fields are open to anyone; "
        "writes need an API token (header `Authorization: Bearer <token>`)."
    ),
    urls_namespace="api",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("Introuvable.")}, status=404)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(
        request, {"detail": _("Requête invalide."), "errors": exc.errors}, status=422
    )


# Each app owns its router in <app>/api.py.
from accounts.api import router as accounts_router  # noqa: E402
from activities.api import router as activities_router  # noqa: E402
from campaigns.api import router as campaigns_router  # noqa: E402
from directory.api import router as directory_router  # noqa: E402
from showcase.api import router as showcase_router  # noqa: E402
from surveys.api import router as surveys_router  # noqa: E402
from territories.api import router as territories_router  # noqa: E402

for _router in (
    territories_router,
    activities_router,
    directory_router,
    surveys_router,
    showcase_router,
    accounts_router,
    campaigns_router,
):
    api.add_router("/", _router)
