"""Survey API: the results document, for operators and, once published, for everyone."""

from django.shortcuts import get_object_or_404
from ninja import Router

from surveys.permissions import can_see_results, is_operator, visible_surveys
from surveys.results import DIMENSIONS, crosstab, survey_results

router = Router(tags=["surveys"])


def _survey(request, slug):
    from surveys.models import Survey

    survey = get_object_or_404(Survey, slug=slug)
    if not can_see_results(request.user, survey):
        return survey, False
    return survey, True


@router.get("/surveys", summary="Baromètres visibles")
def list_surveys(request):
    return [
        {
            "slug": s.slug,
            "title": s.title,
            "published": s.published,
            "results": f"/api/v1/surveys/{s.slug}/results",
        }
        for s in visible_surveys(request.user)
    ]


@router.get(
    "/surveys/{slug}/results",
    summary="Résultats agrégés d'un baromètre",
    response={200: dict, 403: dict, 404: dict},
)
def results(request, slug: str):
    """Same document as `mapster survey results SLUG --format json`.

    Operators get live figures; others, published ones (small-cell suppression).
    """
    survey, allowed = _survey(request, slug)
    if not allowed:
        return 403, {"detail": "Les résultats de ce baromètre ne sont pas publiés."}
    return 200, survey_results(survey, published=not is_operator(request.user))


@router.get(
    "/surveys/{slug}/crosstab",
    summary="Croisement d'une question par région, filière ou nombre d'adhérents",
    response={200: dict, 400: dict, 403: dict, 404: dict},
)
def results_crosstab(request, slug: str, question: str, by: str = "region"):
    survey, allowed = _survey(request, slug)
    if not allowed:
        return 403, {"detail": "Les résultats de ce baromètre ne sont pas publiés."}
    if by not in DIMENSIONS:
        return 400, {"detail": f"Critère inconnu : {by} (region, filiere, members)."}
    try:
        return 200, crosstab(survey, question, by, published=not is_operator(request.user))
    except ValueError as exc:
        return 400, {"detail": str(exc)}
