"""Barometer pages: list, live results, the report (HTML and PDF) and exports."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from surveys import charts, exports
from surveys.models import SELECT_TYPES, Survey
from surveys.permissions import (
    can_export_answers,
    can_see_results,
    is_operator,
    visible_surveys,
)
from surveys.report import build_report, render_pdf
from surveys.results import DIMENSIONS, crosstab, load_rows, survey_results


def _language() -> str:
    return (get_language() or "fr")[:2]


def _visible_survey(request, slug) -> Survey:
    survey = get_object_or_404(Survey, slug=slug)
    if not can_see_results(request.user, survey):
        # Unpublished barometers do not exist for the public: 404 rather than 403.
        raise Http404(_("Baromètre introuvable."))
    return survey


def survey_list(request):
    surveys = visible_surveys(request.user).prefetch_related("versions")
    rows = [
        {
            "survey": s,
            "respondents": s.responses.filter(status="submitted").count(),
        }
        for s in surveys
    ]
    return render(
        request,
        "surveys/list.html",
        {"rows": rows, "operator": is_operator(request.user)},
    )


def results_page(request, slug):
    survey = _visible_survey(request, slug)
    operator = is_operator(request.user)
    # Operators see exact live figures; everyone else the published (suppressed) ones.
    published = not operator
    rows = load_rows(survey)
    results = survey_results(survey, language=_language(), published=published, rows=rows)
    items = [
        {"question": q, "chart": charts.chart_for(q)}
        for q in results["questions"]
        if q["type"] in SELECT_TYPES or "stats" in q
    ]
    selectable = [q for q in results["questions"] if q["type"] in SELECT_TYPES or "stats" in q]
    dimension = request.GET.get("par", "")
    question_name = request.GET.get("question", "")
    table = None
    table_chart = ""
    error = ""
    if dimension or question_name:
        if dimension not in DIMENSIONS or not any(q["name"] == question_name for q in selectable):
            error = _("Choisissez une question et un critère de croisement.")
        else:
            table = crosstab(
                survey,
                question_name,
                dimension,
                published=published,
                language=_language(),
                rows=rows,
            )
            question = next(q for q in selectable if q["name"] == question_name)
            if "choices" in question:
                table_chart = charts.stacked_chart(
                    table["groups"],
                    [c["name"] for c in question["choices"]],
                    {c["name"]: c["label"] for c in question["choices"]},
                )
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "results": results,
            "items": items,
            "operator": operator,
            "selectable": selectable,
            "dimensions": [(k, str(v)) for k, v in DIMENSIONS.items()],
            "dimension": dimension,
            "question_name": question_name,
            "table": table,
            "table_chart": table_chart,
            "error": error,
            "threshold": settings.MAPSTER_SMALL_CELL_THRESHOLD,
        },
        status=400 if error else 200,
    )


def report_page(request, slug):
    survey = _visible_survey(request, slug)
    context = build_report(survey, _language())
    context["operator"] = is_operator(request.user)
    return render(request, "surveys/report.html", context)


def report_pdf(request, slug):
    survey = _visible_survey(request, slug)
    context = build_report(survey, _language())
    context["pdf"] = True
    html = render_to_string("surveys/report_print.html", context, request=request)
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{survey.slug}-rapport.pdf"'
    return response


EXPORTS = {
    "reponses.csv": ("text/csv; charset=utf-8", exports.answers_csv, True),
    "reponses.xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.answers_xlsx,
        True,
    ),
    "resultats.csv": ("text/csv; charset=utf-8", exports.results_csv, False),
    "resultats.xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.results_xlsx,
        False,
    ),
    "resultats.json": ("application/json", exports.results_json, False),
}


def export(request, slug, filename):
    survey = _visible_survey(request, slug)
    if filename not in EXPORTS:
        raise Http404(_("Export inconnu."))
    content_type, build, individual = EXPORTS[filename]
    if individual:
        if not can_export_answers(request.user, survey):
            return HttpResponse(
                _("Les réponses individuelles sont réservées aux opérateurs du réseau."),
                status=403,
                content_type="text/plain; charset=utf-8",
            )
        data = build(survey)
    else:
        results = survey_results(
            survey, language=_language(), published=not is_operator(request.user)
        )
        data = build(results)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-{filename}"'
    return response
