"""Operators' web management of barometers, under /barometres/gestion/.

Everything the CLI does for a barometer, from the browser: XLSForm upload (new survey or
new version), downloads, answers import (dry run, then apply), headline figure templates
with a live preview, and publication. Operators only (surveys.permissions.is_operator).
"""

from __future__ import annotations

import csv
import re
import secrets
import time
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import uploads
from surveys.forms import AnswersUploadForm, HeadlineForm, XLSFormUploadForm
from surveys.headlines import preview, template_problems
from surveys.models import HeadlineFigure, Response, Survey, SurveyVersion, pick_label
from surveys.permissions import is_operator
from surveys.results import headline_figures, survey_results
from surveys.services import import_form, import_responses, slug_for
from surveys.uploads import UploadError, read_answers_upload, read_xlsform_upload
from surveys.xlsform import FormError, FormProblem, export_xlsform, parse_xlsform

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_KEY = "surveys_pending_imports"
PENDING_LIFETIME = 24 * 3600
MAX_PENDING = 20
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_REJECTS_NAME = re.compile(r"^[A-Za-z0-9_.-]+-rejets\.csv$")


def _language() -> str:
    return (get_language() or "fr")[:2]


def operator_required(view):
    """Operators only; anonymous visitors go to the login page once one exists."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_operator(request.user):
            if not request.user.is_authenticated:
                try:
                    resolve_url(settings.LOGIN_URL)
                except NoReverseMatch:
                    pass
                else:
                    return redirect_to_login(request.get_full_path())
            raise PermissionDenied(_("Réservé aux opérateurs du réseau."))
        return view(request, *args, **kwargs)

    return wrapper


def _rejects_dir() -> Path:
    return Path(settings.VAR_DIR) / "rejects"


def _pending_dir() -> Path:
    return Path(settings.VAR_DIR) / "uploads" / "surveys"


def _upload_problems(exc: Exception) -> list[FormProblem]:
    if isinstance(exc, FormError):
        return exc.problems
    return [FormProblem(_("fichier"), None, None, str(exc))]


# --- index and survey page -----------------------------------------------------------


@operator_required
@require_http_methods(["GET", "POST"])
def index(request):
    """Every barometer, and the upload of a questionnaire for a new one."""
    form = XLSFormUploadForm(request.POST or None, request.FILES or None)
    problems: list[FormProblem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = read_xlsform_upload(upload)
            # Parsed here first to know the slug: a form_id that names an existing
            # barometer must go through that barometer's page, never silently add a version.
            slug = slug_for(parse_xlsform(content).definition, upload.name)
            if slug == "gestion":
                # /barometres/gestion/ is this page: such a barometer would be unreachable.
                raise UploadError(_("form_id « gestion » est réservé : choisissez-en un autre."))
            if Survey.objects.filter(slug=slug).exists():
                raise UploadError(
                    _(
                        "Un baromètre « %s » existe déjà : importez cette version depuis sa "
                        "page de gestion, ou changez form_id dans la feuille settings."
                    )
                    % slug
                )
            imported = import_form(content, upload.name, slug=slug)
        except (UploadError, FormError) as exc:
            problems = _upload_problems(exc)
        else:
            messages.success(
                request,
                _("Baromètre « %(title)s » créé : version %(number)d.")
                % {"title": imported.survey.title, "number": imported.version.number},
            )
            return redirect("surveys:manage_version", imported.survey.slug, imported.version.number)
    surveys = Survey.objects.annotate(
        respondents=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)),
        version_count=Count("versions", distinct=True),
    ).order_by("title")
    return render(
        request,
        "surveys/manage/index.html",
        {"surveys": surveys, "form": form, "problems": problems},
        status=400 if (request.method == "POST" and (problems or form.errors)) else 200,
    )


def _versions(survey: Survey):
    return survey.versions.annotate(
        answer_count=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)),
        draft_count=Count("responses", filter=Q(responses__status=Response.Status.DRAFT)),
    ).order_by("-number")


def _survey_context(request, survey: Survey, **extra) -> dict:
    results = survey_results(survey, language=_language(), published=True)
    return {
        "survey": survey,
        "versions": _versions(survey),
        "current": survey.current_version,
        "respondents": results["respondents"],
        "form_upload": XLSFormUploadForm(),
        "answers_upload": AnswersUploadForm(),
        "figures": headline_figures(survey, results),
        "runs": survey.import_runs.select_related("user")[:10],
        "threshold": settings.MAPSTER_SMALL_CELL_THRESHOLD,
        **extra,
    }


@operator_required
@require_GET
def survey_page(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    return render(request, "surveys/manage/survey.html", _survey_context(request, survey))


@operator_required
@require_POST
def upload_version(request, slug):
    """A new questionnaire for an existing barometer: new version once it has answers."""
    survey = get_object_or_404(Survey, slug=slug)
    form = XLSFormUploadForm(request.POST, request.FILES)
    problems: list[FormProblem] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imported = import_form(read_xlsform_upload(upload), upload.name, slug=survey.slug)
        except (UploadError, FormError) as exc:
            problems = _upload_problems(exc)
        else:
            number = imported.version.number
            text = {
                "created": _("Questionnaire importé : version %d."),
                "unchanged": _("Questionnaire identique à la version %d : rien n'a changé."),
                "updated": _(
                    "La version %d n'avait pas encore de réponses : elle est remplacée par ce "
                    "questionnaire."
                ),
                "new_version": _(
                    "Le questionnaire a déjà des réponses : version %d créée ; les réponses "
                    "existantes gardent la version sur laquelle elles ont été données."
                ),
            }[imported.action] % number
            messages.success(request, text)
            return redirect("surveys:manage_version", survey.slug, number)
    else:
        problems = [FormProblem(_("fichier"), None, None, _("Choisissez un fichier."))]
    context = _survey_context(request, survey, form_problems=problems)
    return render(request, "surveys/manage/survey.html", context, status=400)


@operator_required
@require_GET
def version_page(request, slug, number):
    survey = get_object_or_404(Survey, slug=slug)
    version = get_object_or_404(_versions(survey), number=number)
    language = _language()
    questions = [
        {
            "name": q.get("name", ""),
            "type": q["type"],
            "label": pick_label(q.get("label"), language),
            "required": q.get("required"),
            "relevant": q.get("relevant", ""),
            "choices": [
                pick_label(c.get("label"), language) or c["name"] for c in version.choices(q)
            ],
        }
        for q in version.questions
    ]
    return render(
        request,
        "surveys/manage/version.html",
        {
            "survey": survey,
            "version": version,
            "questions": questions,
            "is_current": version.number == survey.current_version.number,
        },
    )


@operator_required
@require_GET
def version_download(request, slug, number, kind):
    survey = get_object_or_404(Survey, slug=slug)
    version = get_object_or_404(SurveyVersion, survey=survey, number=number)
    if kind not in ("questionnaire", "original"):
        raise Http404(_("Téléchargement inconnu."))
    if kind == "original":
        if not version.xlsform:
            raise Http404(_("Le fichier d'origine n'a pas été conservé."))
        data = bytes(version.xlsform)
        name = f"{survey.slug}-v{number}-original.xlsx"
    else:
        data = export_xlsform(version.definition)
        name = f"{survey.slug}-v{number}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- answers import: dry run, then apply ----------------------------------------------


def _report(result) -> dict:
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "problems": [p.as_dict() for p in result.problems],
        "rejects": result.rejects_path.name if result.rejects_path else "",
        "applied": result.applied,
    }


@operator_required
@require_POST
def answers_dry_run(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    form = AnswersUploadForm(request.POST, request.FILES)
    error = ""
    if not form.is_valid():
        error = _("Choisissez un fichier.")
    elif survey.current_version is None:
        error = _("Ce baromètre n'a pas encore de questionnaire.")
    else:
        upload = form.cleaned_data["file"]
        try:
            content = read_answers_upload(upload)
        except UploadError as exc:
            error = str(exc)
    if error:
        context = _survey_context(request, survey, answers_error=error)
        return render(request, "surveys/manage/survey.html", context, status=400)
    try:
        result = import_responses(
            survey, content, upload.name, apply=False, rejects_dir=_rejects_dir(), user=request.user
        )
    except csv.Error as exc:  # e.g. a cell over the csv module's size limit
        context = _survey_context(
            request, survey, answers_error=_("Fichier CSV illisible : %s") % exc
        )
        return render(request, "surveys/manage/survey.html", context, status=400)
    # The file waits on disk under an unguessable name until the operator applies it;
    # files of dry runs never applied are removed after a day.
    token = secrets.token_urlsafe(24)
    folder = _pending_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - PENDING_LIFETIME
    for old in folder.glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    uploads.purge(apply=True)  # rejects files past MAPSTER_UPLOAD_RETENTION_DAYS
    (folder / f"{token}.csv").write_bytes(content)
    pending = request.session.get(PENDING_KEY, {})
    pending = dict(list(pending.items())[-(MAX_PENDING - 1) :])
    pending[token] = {"slug": survey.slug, "filename": Path(upload.name).name}
    request.session[PENDING_KEY] = pending
    return render(
        request,
        "surveys/manage/answers_report.html",
        {"survey": survey, "report": _report(result), "token": token, "filename": upload.name},
    )


@operator_required
@require_POST
def answers_apply(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    token = request.POST.get("token", "")
    pending = request.session.get(PENDING_KEY, {})
    entry = pending.get(token) if _TOKEN.match(token) else None
    path = _pending_dir() / f"{token}.csv"
    if not entry or entry["slug"] != survey.slug or not path.exists():
        messages.error(
            request, _("Cet import a déjà été appliqué ou a expiré : déposez le fichier à nouveau.")
        )
        return redirect("surveys:manage", survey.slug)
    result = import_responses(
        survey,
        path.read_bytes(),
        entry["filename"],
        apply=True,
        rejects_dir=_rejects_dir(),
        user=request.user,
    )
    path.unlink(missing_ok=True)
    pending.pop(token, None)
    request.session[PENDING_KEY] = pending
    return render(
        request,
        "surveys/manage/answers_report.html",
        {"survey": survey, "report": _report(result), "filename": entry["filename"]},
    )


@operator_required
@require_GET
def rejects_download(request, slug, name):
    survey = get_object_or_404(Survey, slug=slug)
    if not (_REJECTS_NAME.match(name) and name.startswith(f"{survey.slug}-")):
        raise Http404(_("Fichier de rejets inconnu."))
    path = _rejects_dir() / name
    if not path.is_file():
        raise Http404(_("Fichier de rejets inconnu."))
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type="text/csv; charset=utf-8"
    )


# --- headline figures -------------------------------------------------------------------


@operator_required
@require_http_methods(["GET", "POST"])
def headline_edit(request, slug, pk=None):
    survey = get_object_or_404(Survey, slug=slug)
    headline = get_object_or_404(HeadlineFigure, survey=survey, pk=pk) if pk else None
    if headline is None:
        initial = {"order": (survey.headlines.count() + 1) * 10, "rounding": "0"}
    else:
        initial = HeadlineForm.initial_for(headline)
    form = HeadlineForm(request.POST or None, survey=survey, language=_language(), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.fill(headline or HeadlineFigure(survey=survey))
        saved.save()
        messages.success(request, _("Chiffre clé enregistré."))
        return redirect(reverse("surveys:manage", args=[survey.slug]) + "#chiffres")
    sections = sorted(
        {s["title"] for s in (survey.report or {}).get("sections", []) if s.get("title")}
        | set(survey.headlines.exclude(section="").values_list("section", flat=True))
    )
    return render(
        request,
        "surveys/manage/headline.html",
        {"survey": survey, "headline": headline, "form": form, "sections": sections},
        status=400 if request.method == "POST" else 200,
    )


@operator_required
@require_POST
def headline_preview(request, slug):
    """HTMX: the sentence as the report would print it, from the form being typed."""
    survey = get_object_or_404(Survey, slug=slug)
    data = request.POST
    target = data.get("target", "")
    template = data.get("template", "")
    problems = template_problems(template)
    figure = None
    if "::" in target and not problems:
        question, choice = target.split("::", 1)
        rounding = data.get("rounding", "0")
        if rounding not in HeadlineFigure.Rounding.values:
            rounding = "0"
        headline = HeadlineFigure(
            survey=survey,
            question=question,
            choice=choice,
            template=template,
            rounding=rounding,
            decimal_separator="." if data.get("decimal_separator") == "." else ",",
        )
        figure = preview(survey, headline, _language())
    return render(
        request,
        "surveys/manage/_headline_preview.html",
        {"figure": figure, "problems": problems, "target": target},
    )


@operator_required
@require_POST
def headline_delete(request, slug, pk):
    survey = get_object_or_404(Survey, slug=slug)
    get_object_or_404(HeadlineFigure, survey=survey, pk=pk).delete()
    messages.success(request, _("Chiffre clé supprimé."))
    return redirect(reverse("surveys:manage", args=[survey.slug]) + "#chiffres")


# --- publication ---------------------------------------------------------------------------


@operator_required
@require_http_methods(["GET", "POST"])
def publication(request, slug):
    """Publish or unpublish the results, after a confirmation page."""
    survey = get_object_or_404(Survey, slug=slug)
    if request.method == "POST":
        wanted = request.POST.get("published")
        if wanted not in ("0", "1") or request.POST.get("confirm") != "yes":
            return HttpResponse(
                _("Confirmation manquante : passez par la page de publication."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        survey.published = wanted == "1"
        survey.save(update_fields=["published", "updated_at"])
        messages.success(
            request,
            _("Résultats publiés : ils sont visibles de tous.")
            if survey.published
            else _("Résultats dépubliés : seuls les opérateurs les voient."),
        )
        return redirect("surveys:manage", survey.slug)
    results = survey_results(survey, language=_language(), published=True)
    return render(
        request,
        "surveys/manage/publication.html",
        {
            "survey": survey,
            "respondents": results["respondents"],
            "threshold": settings.MAPSTER_SMALL_CELL_THRESHOLD,
            "figure_count": survey.headlines.count(),
        },
    )
