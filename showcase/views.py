from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_operator, managed_cluster_ids
from activities.models import Filiere
from directory.models import Cluster
from showcase import filters, services
from showcase.forms import ExampleForm
from showcase.models import Example
from showcase.normalize import THEME_LABELS
from territories.models import Region

FILTER_KEYS = ("filiere", "region", "theme", "category", "q")


def catalogue(request):
    params = {k: request.GET.get(k, "").strip()[:100] for k in FILTER_KEYS}
    qs = filters.apply(filters.published(), **params).select_related("filiere", "cluster")
    page = Paginator(qs.prefetch_related("regions"), 24).get_page(request.GET.get("page"))
    published = filters.published()
    context = {
        "page": page,
        "params": params,
        "query": urlencode({k: v for k, v in params.items() if v}),
        "filieres": Filiere.objects.filter(examples__in=published).distinct(),
        "regions": Region.objects.filter(examples__in=published).distinct(),
        "themes": THEME_LABELS.items(),
        "categories": Example.Category.choices,
        "is_operator": is_operator(request.user),
        "can_submit": is_operator(request.user) or bool(managed_cluster_ids(request.user)),
    }
    return render(request, "showcase/catalogue.html", context)


def _can_see(user, example) -> bool:
    if example.status == Example.Status.PUBLISHED:
        return True
    if is_operator(user):
        return True
    return bool(user.is_authenticated and example.submitted_by_id == user.pk)


def detail(request, pk):
    example = get_object_or_404(
        Example.objects.select_related("filiere", "cluster__commune"), pk=pk
    )
    if not _can_see(request.user, example):
        raise Http404
    return render(
        request,
        "showcase/detail.html",
        {
            "example": example,
            "locations": example.locations(),
            "is_operator": is_operator(request.user),
        },
    )


def _submittable_clusters(user):
    if is_operator(user):
        return Cluster.objects.all()
    return Cluster.objects.filter(pk__in=managed_cluster_ids(user))


@login_required
def submit(request):
    clusters = _submittable_clusters(request.user)
    if not clusters.exists():
        raise PermissionDenied(_("Seuls les animateurs de cluster proposent des exemples."))
    form = ExampleForm(request.POST or None, clusters=clusters)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        cluster = data.pop("cluster")
        example = services.submit(user=request.user, cluster=cluster, data=data)
        messages.success(
            request, _("Merci : votre exemple est transmis à l'équipe qui le publiera.")
        )
        return redirect(example)
    return render(request, "showcase/submit.html", {"form": form})


@login_required
def moderation(request):
    if not is_operator(request.user):
        raise PermissionDenied
    pending = (
        Example.objects.filter(status=Example.Status.SUBMITTED)
        .select_related("cluster", "submitted_by", "filiere")
        .prefetch_related("regions")
        .order_by("created_at")
    )
    flagged = Example.objects.filter(region_unmapped=True).order_by("title")
    return render(request, "showcase/moderation.html", {"pending": pending, "flagged": flagged})


@login_required
@require_POST
def moderate(request, pk):
    if not is_operator(request.user):
        raise PermissionDenied
    example = get_object_or_404(Example, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("publish", "reject"):
        messages.error(request, _("Décision inconnue."))
        return redirect("showcase:moderation")
    services.moderate(
        example,
        user=request.user,
        publish=decision == "publish",
        note=request.POST.get("note", "")[:2000],
    )
    if decision == "publish":
        messages.success(request, _("« %(title)s » est publié.") % {"title": example.title})
    else:
        messages.success(request, _("« %(title)s » est refusé.") % {"title": example.title})
    return redirect("showcase:moderation")


@login_required
def from_responses(request):
    """Survey answers that carry an example, for operators to add to the catalogue."""

    if not is_operator(request.user):
        raise PermissionDenied
    from surveys.models import Response

    responses = (
        Response.objects.filter(status=Response.Status.SUBMITTED)
        .filter(answers__has_key="exemple_description")
        .select_related("survey", "cluster")
        .order_by("survey", "pk")
    )
    done = set(
        Example.objects.filter(provenance=Example.Provenance.SURVEY).values_list(
            "source_ref", flat=True
        )
    )
    rows = [
        {
            "response": r,
            "description": r.answers.get("exemple_description", ""),
            "example_added": services.source_ref_for(r) in done,
        }
        for r in responses
        if r.answers.get("exemple_description")
    ]
    return render(request, "showcase/from_responses.html", {"rows": rows})


@login_required
@require_POST
def from_response(request, response_id):
    if not is_operator(request.user):
        raise PermissionDenied
    from surveys.models import Response

    response = get_object_or_404(Response, pk=response_id)
    try:
        example, created = services.example_from_response(response, user=request.user)
    except ValueError:
        messages.error(request, _("Cette réponse ne contient pas d'exemple."))
        return redirect("showcase:from_responses")
    if created:
        messages.success(
            request, _("Exemple ajouté à la file de modération : relisez-le puis publiez-le.")
        )
    else:
        messages.info(request, _("Cet exemple est déjà dans le catalogue."))
    return redirect(example)
