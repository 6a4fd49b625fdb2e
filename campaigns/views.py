from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_operator, managed_cluster_ids
from campaigns import answer_form, services
from campaigns.forms import CampaignForm
from campaigns.models import Campaign, Invitation
from surveys.models import Response, pick_label


def _language() -> str:
    return (get_language() or "fr")[:2]


def _operator_only(request):
    if not is_operator(request.user):
        raise PermissionDenied


# --- Answering through a token -------------------------------------------------------


def _invitation_or_404(token: str) -> Invitation:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        raise Http404(_("Ce lien de réponse n'existe pas ou a été remplacé."))
    return invitation


def _initial_values(invitation: Invitation) -> dict:
    if invitation.draft:
        return invitation.draft
    return dict(invitation.response.answers) if invitation.response_id else {}


def _render_form(request, invitation, values, errors, status=200):
    campaign = invitation.campaign
    definition = campaign.version.definition
    return render(
        request,
        "campaigns/answer.html",
        {
            "invitation": invitation,
            "campaign": campaign,
            "items": answer_form.items(definition, values, errors, _language()),
            "errors": errors,
            "submitted": invitation.response_id and invitation.response.status == "submitted",
        },
        status=status,
    )


def answer(request, token):
    invitation = _invitation_or_404(token)
    campaign = invitation.campaign
    if not campaign.is_open():
        return render(
            request,
            "campaigns/answer_closed.html",
            {
                "invitation": invitation,
                "campaign": campaign,
                "not_yet": campaign.has_not_opened(),
                "answers": _readable_answers(invitation.response) if invitation.response_id else [],
            },
            status=200 if request.method == "GET" else 403,
        )
    if request.method != "POST":
        return _render_form(request, invitation, _initial_values(invitation), {})
    definition = campaign.version.definition
    raw = answer_form.read_raw(definition, request.POST)
    submit = request.POST.get("action") == "submit"
    result = services.save_answers(invitation, raw, submit=submit)
    if result.submitted:
        messages.success(
            request,
            _("Merci : votre réponse est enregistrée. Vous pouvez la modifier jusqu'au %s.")
            % timezone.localtime(campaign.effective_close).strftime("%d/%m/%Y %H:%M"),
        )
        return redirect("campaigns:answer", token=token)
    errors = {e.question: e.message for e in result.errors}
    if not submit and not errors:
        messages.success(request, _("Brouillon enregistré."))
        return redirect("campaigns:answer", token=token)
    invitation.refresh_from_db()
    if submit:
        messages.error(
            request,
            _(
                "La réponse n'est pas envoyée : corrigez les questions signalées. "
                "Votre brouillon est enregistré."
            ),
        )
    return _render_form(request, invitation, raw, errors, status=200)


@require_POST
def autosave(request, token):
    """The page's background save: JSON in, JSON out, never a page."""

    invitation = services.invitation_for_token(token)
    if invitation is None:
        return JsonResponse({"detail": _("Lien de réponse inconnu.")}, status=404)
    campaign = invitation.campaign
    if not campaign.is_open():
        return JsonResponse({"detail": _("La campagne est close.")}, status=403)
    raw = answer_form.read_raw(campaign.version.definition, request.POST)
    result = services.save_answers(invitation, raw, submit=False)
    saved = timezone.localtime(timezone.now()).strftime("%H:%M:%S")
    return JsonResponse(
        {"saved_at": saved, "errors": {e.question: e.message for e in result.errors}}
    )


# --- Operators ------------------------------------------------------------------------


@login_required
def campaign_list(request):
    _operator_only(request)
    campaigns = Campaign.objects.select_related("version__survey").order_by("-opens_at")
    rows = [(c, services.rates(c)) for c in campaigns]
    return render(request, "campaigns/list.html", {"rows": rows})


@login_required
def campaign_create(request):
    _operator_only(request)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        campaign = Campaign.objects.create(
            title=d["title"],
            version=d["version"],
            opens_at=d["opens_at"],
            closes_at=d["closes_at"],
            targeting=form.targeting(),
            message=d["message"],
            created_by=request.user,
        )
        report = services.invite(campaign)
        messages.success(request, report.summary())
        if report.without_email:
            messages.warning(
                request,
                _("Sans e-mail de contact : %s") % ", ".join(report.without_email),
            )
        return redirect(campaign)
    return render(request, "campaigns/create.html", {"form": form})


def _dashboard_context(campaign):
    stats = services.rates(campaign)
    waiting = services.pending(campaign).select_related("cluster").order_by("cluster__name")
    return {
        "campaign": campaign,
        "stats": stats,
        "waiting": waiting,
        "chart": {
            "regions": {
                "labels": [r["label"] for r in stats["by_region"]],
                "rates": [r["rate"] for r in stats["by_region"]],
            },
            "filieres": {
                "labels": [r["label"] for r in stats["by_filiere"]],
                "rates": [r["rate"] for r in stats["by_filiere"]],
            },
        },
        "now": timezone.now(),
    }


@login_required
def dashboard(request, pk):
    _operator_only(request)
    campaign = get_object_or_404(Campaign.objects.select_related("version__survey"), pk=pk)
    context = _dashboard_context(campaign)
    context["answered"] = (
        campaign.invitations.filter(response__status=Response.Status.SUBMITTED)
        .select_related("cluster", "response")
        .order_by("cluster__name")
    )
    return render(request, "campaigns/dashboard.html", context)


@login_required
def dashboard_live(request, pk):
    """The polled part of the dashboard (HTMX, every few seconds)."""

    _operator_only(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    return render(request, "campaigns/_live.html", _dashboard_context(campaign))


@login_required
@require_POST
def remind(request, pk):
    _operator_only(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    if not campaign.is_open():
        messages.error(request, _("La campagne n'est pas ouverte : aucune relance envoyée."))
        return redirect(campaign)
    report = services.remind(campaign)
    messages.success(request, _("%d relance(s) envoyée(s).") % report.sent)
    return redirect(campaign)


@login_required
@require_POST
def close(request, pk):
    _operator_only(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    services.close(campaign)
    messages.success(request, _("Campagne clôturée : les réponses ne sont plus modifiables."))
    return redirect(campaign)


# --- Reading answers --------------------------------------------------------------------


def _readable_answers(response: Response) -> list[dict]:
    version = response.version
    lang = _language()
    rows = []
    for q in version.answerable:
        if q["type"] == "calculate" or q["name"] not in response.answers:
            continue
        value = response.answers[q["name"]]
        if q["type"] in ("select_one", "select_multiple"):
            labels = {c["name"]: pick_label(c.get("label"), lang) for c in version.choices(q)}
            values = value if isinstance(value, list) else [value]
            value = ", ".join(labels.get(v, v) for v in values)
        rows.append({"name": q["name"], "label": pick_label(q.get("label"), lang), "value": value})
    return rows


def can_read_response(user, response: Response) -> bool:
    """Operators read every answer; a cluster manager only their own cluster's."""

    if is_operator(user):
        return True
    return response.cluster_id is not None and response.cluster_id in managed_cluster_ids(user)


@login_required
def response_detail(request, pk):
    response = get_object_or_404(
        Response.objects.select_related("version__survey", "cluster"), pk=pk
    )
    if not can_read_response(request.user, response):
        raise Http404
    invitation = Invitation.objects.filter(response=response).select_related("campaign").first()
    return render(
        request,
        "campaigns/response.html",
        {
            "response": response,
            "answers": _readable_answers(response),
            "invitation": invitation,
            "is_operator": is_operator(request.user),
            "has_example": bool(response.answers.get("exemple_description")),
        },
    )


@login_required
def my_responses(request):
    """A cluster manager's answers (their clusters only)."""

    ids = managed_cluster_ids(request.user)
    if not ids and not is_operator(request.user):
        raise PermissionDenied
    invitations = (
        Invitation.objects.filter(cluster_id__in=ids)
        .select_related("campaign__version__survey", "cluster", "response")
        .order_by("-campaign__opens_at")
    )
    return render(request, "campaigns/mine.html", {"invitations": invitations})
