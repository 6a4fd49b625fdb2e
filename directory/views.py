"""Directory pages: clusters, companies, profiles, the manager's edit form, exports.

Lists keep their whole state in GET parameters (see directory.filters). HTMX requests
get only the swapped part of the page; every page also works without JavaScript.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from activities.models import Filiere
from core import uploads
from core.exports import CONTENT_TYPES, FORMATS, Column, export_response
from core.insee import HEADCOUNT_BANDS, headcount_label
from directory import audit, filters, importing, mapdata
from directory.forms import ClusterEditForm, ImportUploadForm
from directory.labels import label_name
from directory.models import Cluster, Company, Contact, Membership
from territories.models import Departement, Region, TerritoireIndustrie

PAGE_SIZE = 20
MEMBERS_PAGE_SIZE = 25


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _page(request, qs, size):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _export_format(request) -> str | None:
    fmt = request.GET.get("export", "")
    return fmt if fmt in FORMATS else None


def _company_point(company):
    if company.lat is not None and company.lon is not None:
        return company.lon, company.lat
    commune = company.commune
    if commune and commune.lat is not None:
        return commune.lon, commune.lat
    return None


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


# Clusters ---------------------------------------------------------------------------


def _cluster_columns(request) -> list[Column]:
    return [
        Column(_("Nom"), lambda c: c.name),
        Column(_("Sigle"), lambda c: c.acronym),
        Column(_("Type"), lambda c: c.get_kind_display()),
        Column(_("Filière principale"), lambda c: c.main_filiere.name if c.main_filiere else ""),
        Column(_("Filières"), lambda c: " | ".join(f.name for f in c.filieres.all())),
        Column(_("Régions"), lambda c: " | ".join(r.name for r in c.regions.all())),
        Column(_("Commune"), lambda c: c.commune.name if c.commune else ""),
        Column(_("Code commune"), lambda c: c.commune_id or ""),
        Column(_("Département"), lambda c: c.commune.departement_id if c.commune else ""),
        Column(_("Labels"), lambda c: " | ".join(label_name(x) for x in c.labels or [])),
        Column(_("Site web"), lambda c: c.website),
        Column(_("Entreprises adhérentes"), lambda c: c.n_members),
        # A real pôle's members may be generated: say how many, next to the total.
        Column(_("Dont adhérents de démonstration"), lambda c: c.n_demo_members),
        Column(_("Démonstration"), lambda c: c.is_demo),
        Column(_("Fiche"), lambda c: _absolute(request, f"/annuaire/{c.slug}/")),
    ]


def _cluster_point(cluster):
    c = cluster.commune
    return (c.lon, c.lat) if c and c.lat is not None else None


def cluster_list(request):
    base = permissions.visible_clusters(request.user)
    flt = filters.ClusterFilter(request.GET, base)
    qs = flt.queryset().select_related("commune", "main_filiere")
    if "n_members" not in qs.query.annotations:
        qs = qs.annotate(n_members=filters.member_count())
    fmt = _export_format(request)
    if fmt:
        qs = qs.prefetch_related("filieres", "regions").annotate(
            n_demo_members=filters.member_count(is_demo=True)
        )
        return export_response(
            fmt, "clusters", _cluster_columns(request), qs.iterator(chunk_size=500), _cluster_point
        )
    page = _page(request, qs, PAGE_SIZE)
    page.object_list = _mark_demo_members(page.object_list)
    context = {
        "filter": flt,
        "facets": flt.facets(scope=_scope(request.user)),
        "page": page,
        "sorts": _sort_choices(flt, CLUSTER_SORT_LABELS),
        "querystring": filters.querystring(request.GET),
        "has_demo": base.filter(is_demo=True).exists(),
        "can_import": permissions.is_operator(request.user)
        or bool(permissions.managed_cluster_ids(request.user)),
    }
    template = "directory/_cluster_results.html" if _is_htmx(request) else "directory/clusters.html"
    return render(request, template, context)


def _mark_demo_members(clusters) -> list[Cluster]:
    """Flag the real clusters of a page whose members include generated ones (one query)."""

    clusters = list(clusters)
    real = [c.pk for c in clusters if not c.is_demo]
    with_demo = set(
        Membership.objects.filter(cluster_id__in=real, is_demo=True)
        .values_list("cluster_id", flat=True)
        .distinct()
    )
    for cluster in clusters:
        cluster.has_demo_members = cluster.pk in with_demo
    return clusters


def _scope(user) -> str:
    """What a user may see, as a cache key part: same key, same visible clusters."""

    if permissions.is_operator(user):
        return "operator"
    managed = ",".join(map(str, sorted(permissions.managed_cluster_ids(user))))
    return f"{managed}:{'auth' if user.is_authenticated else 'anon'}"


def _sort_choices(flt, others: list[tuple[str, str]]) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the sort menu.

    The default sort has the empty value, so that typing a search after browsing by
    name gives results by relevance instead of keeping the name order.
    """

    default = "relevance" if flt.q else "name"
    labels = {"relevance": _("Pertinence"), "name": _("Nom (A à Z)")}
    choices = [("", labels[default], flt.sort == default)]
    for value, label in [("name", labels["name"]), *others]:
        if value != default:
            choices.append((value, label, flt.sort == value))
    return choices


CLUSTER_SORT_LABELS = [
    ("-members", gettext_lazy("Nombre d'adhérents")),
    ("kind", gettext_lazy("Type")),
    ("-updated", gettext_lazy("Dernière mise à jour")),
]
COMPANY_SORT_LABELS = [
    ("-headcount", gettext_lazy("Effectif")),
    ("commune", gettext_lazy("Commune")),
]


def _visible_cluster(request, slug) -> Cluster:
    cluster = get_object_or_404(
        Cluster.objects.select_related("commune__departement", "commune__region", "main_filiere"),
        slug=slug,
    )
    if not permissions.can_view_cluster(request.user, cluster):
        raise Http404(_("Ce cluster n'existe pas ou n'est pas public."))
    return cluster


def _member_columns(request) -> list[Column]:
    return [
        Column(_("SIREN"), lambda m: m.company.siren),
        Column(_("Raison sociale"), lambda m: m.company.name),
        Column(_("Rôle"), lambda m: m.get_role_display()),
        Column(_("Code NAF"), lambda m: m.company.naf_id or ""),
        Column(_("Activité"), lambda m: m.company.naf.label if m.company.naf else ""),
        Column(_("Tranche d'effectif"), lambda m: headcount_label(m.company.headcount_band)),
        Column(_("Commune"), lambda m: m.company.commune.name if m.company.commune else ""),
        Column(_("Code commune"), lambda m: m.company.commune_id or ""),
        Column(
            _("Département"),
            lambda m: m.company.commune.departement_id if m.company.commune else "",
        ),
        Column(_("Site web"), lambda m: m.company.website),
        # Demo membership or demo company: a real pôle's generated members say "oui".
        Column(_("Démonstration"), lambda m: m.is_demo or m.company.is_demo),
        Column(_("Fiche"), lambda m: _absolute(request, f"/entreprises/{m.company.siren}/")),
    ]


def _member_sort(request) -> str:
    sorts = {
        "name": "company__name",
        "commune": "company__commune__name",
        "-headcount": "-company__headcount_band",
    }
    return sorts.get(request.GET.get("sort", ""), "company__name")


def _cluster_members(request, cluster):
    """The cluster's members filtered by the members table's own GET parameters."""

    params = request.GET
    members = cluster.memberships.select_related("company__naf", "company__commune")
    q = params.get("q", "").strip()
    if q:
        # Materialised: a cluster's members are a few thousand at most, and the search
        # SQL (with its rank function) cannot be nested in a subquery on SQLite.
        matching = filters.search(
            Company.objects.filter(memberships__cluster=cluster), "company", q
        ).values_list("pk", flat=True)
        members = members.filter(company_id__in=list(matching))
    if params.get("departement"):
        members = members.filter(company__commune__departement__code=params["departement"])
    if params.get("headcount") in HEADCOUNT_BANDS:
        members = members.filter(company__headcount_band=params["headcount"])
    return members.order_by(_member_sort(request), "company__siren")


def cluster_detail(request, slug):
    cluster = _visible_cluster(request, slug)
    members = _cluster_members(request, cluster)
    fmt = _export_format(request)
    if fmt:
        return export_response(
            fmt,
            f"membres-{cluster.slug}",
            _member_columns(request),
            members.iterator(chunk_size=1000),
            lambda m: _company_point(m.company),
        )
    page = _page(request, members, MEMBERS_PAGE_SIZE)
    if _is_htmx(request):
        return render(
            request,
            "directory/_members.html",
            {"cluster": cluster, "page": page, "querystring": filters.querystring(request.GET)},
        )
    all_members = Membership.objects.filter(cluster=cluster)
    member_communes = Company.objects.filter(memberships__cluster=cluster).values("commune_id")
    regions = Region.objects.filter(
        Q(clusters=cluster) | Q(communes__code__in=member_communes)
    ).distinct()
    territoires = (
        TerritoireIndustrie.objects.filter(
            generation=filters.TI_GENERATION, communes__code__in=member_communes
        )
        .annotate(
            n=Count(
                "communes__companies",
                filter=Q(communes__companies__memberships__cluster=cluster),
                distinct=True,
            )
        )
        .order_by("-n", "name")
    )
    departements = (
        Departement.objects.filter(communes__companies__memberships__cluster=cluster)
        .distinct()
        .order_by("code")
    )
    can_private = permissions.can_view_private(request.user, cluster)
    context = {
        "cluster": cluster,
        "labels": [label_name(code) for code in cluster.labels or []],
        "filieres": cluster.filieres.all(),
        "regions": regions,
        "territoires": territoires,
        "departements": departements,
        "member_count": all_members.count(),
        # A real cluster with generated members (a pôle whose list is not published).
        "demo_members": not cluster.is_demo and all_members.filter(is_demo=True).exists(),
        "page": page,
        "querystring": filters.querystring(request.GET),
        "headcount_choices": [(k, v[0]) for k, v in HEADCOUNT_BANDS.items()],
        "contacts": cluster.contacts.all() if can_private else None,
        "can_edit": permissions.can_edit_cluster(request.user, cluster),
        "can_import": permissions.can_edit_memberships(request.user, cluster),
    }
    return render(request, "directory/cluster_detail.html", context)


# Companies --------------------------------------------------------------------------


def _company_columns(request) -> list[Column]:
    return [
        Column(_("SIREN"), lambda c: c.siren),
        Column(_("Raison sociale"), lambda c: c.name),
        Column(_("Code NAF"), lambda c: c.naf_id or ""),
        Column(_("Activité"), lambda c: c.naf.label if c.naf else ""),
        Column(_("Tranche d'effectif"), lambda c: headcount_label(c.headcount_band)),
        Column(_("Commune"), lambda c: c.commune.name if c.commune else ""),
        Column(_("Code commune"), lambda c: c.commune_id or ""),
        Column(_("Département"), lambda c: c.commune.departement_id if c.commune else ""),
        Column(_("Région"), lambda c: c.commune.region.name if c.commune else ""),
        Column(_("Site web"), lambda c: c.website),
        Column(_("Démonstration"), lambda c: c.is_demo),
        Column(_("Fiche"), lambda c: _absolute(request, f"/entreprises/{c.siren}/")),
    ]


def _public_companies(request):
    """Companies that belong to at least one cluster the user may see."""

    visible = permissions.visible_clusters(request.user).values("pk")
    return Company.objects.filter(
        pk__in=Membership.objects.filter(cluster__in=visible).values("company_id")
    )


def company_list(request):
    flt = filters.CompanyFilter(
        request.GET, _public_companies(request), permissions.visible_clusters(request.user)
    )
    qs = flt.queryset().select_related("naf", "commune__region")
    fmt = _export_format(request)
    if fmt:
        return export_response(
            fmt,
            "entreprises",
            _company_columns(request),
            qs.iterator(chunk_size=1000),
            _company_point,
        )
    page = _page(request, qs, PAGE_SIZE)
    visible = permissions.visible_clusters(request.user)
    context = {
        "filter": flt,
        "page": page,
        "querystring": filters.querystring(request.GET),
        "filieres": Filiere.objects.all(),
        "regions": Region.objects.all(),
        "departements": Departement.objects.all(),
        "clusters": visible.only("slug", "name", "acronym").order_by("name"),
        "headcount_choices": [(k, v[0]) for k, v in HEADCOUNT_BANDS.items()],
        "sorts": _sort_choices(flt, COMPANY_SORT_LABELS),
    }
    template = (
        "directory/_company_results.html" if _is_htmx(request) else "directory/companies.html"
    )
    return render(request, template, context)


def company_detail(request, siren):
    company = get_object_or_404(
        Company.objects.select_related("naf__filiere", "commune__departement", "commune__region"),
        siren=siren,
    )
    visible = permissions.visible_clusters(request.user)
    memberships = (
        company.memberships.filter(cluster__in=visible.values("pk"))
        .select_related("cluster")
        .order_by("cluster__name")
    )
    if not memberships and not permissions.can_edit_company(request.user, company):
        # A company is shown as a member of a visible cluster, never on its own.
        raise Http404(_("Cette entreprise n'est pas dans l'annuaire."))
    establishments = company.establishments.select_related("commune", "naf").order_by(
        "-is_head_office", "siret"
    )
    context = {
        "company": company,
        "headcount": headcount_label(company.headcount_band),
        "memberships": memberships,
        "establishments": establishments,
        "point": _company_point(company),
        "can_edit": permissions.can_edit_company(request.user, company),
    }
    return render(request, "directory/company_detail.html", context)


# Map data ---------------------------------------------------------------------------


def _map_clusters(request):
    """Clusters shown on the map: the directory's filters, or one cluster by slug."""

    visible = permissions.visible_clusters(request.user)
    slug = request.GET.get("cluster", "").strip()
    if slug:
        return visible.filter(slug=slug), True
    flt = filters.ClusterFilter(request.GET, visible)
    return flt._apply(visible).order_by(), flt.is_active


@gzip_page
@require_GET
def map_points(request):
    clusters, _filtered = _map_clusters(request)
    params = sorted((k, v) for k, v in request.GET.lists() if k != "_")
    body = mapdata.cached_points_json(f"{_scope(request.user)}|{params}", clusters, clusters)
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "private, max-age=60"
    return response


@gzip_page
@require_GET
def map_territoires(request):
    key = "mapster:territoires-geojson"
    body = cache.get(key)
    if body is None:
        body = json.dumps(mapdata.territoires_geojson(), separators=(",", ":"), ensure_ascii=False)
        cache.set(key, body, 3600)
    return HttpResponse(body, content_type="application/geo+json")


@require_GET
def map_company_popup(request, pk):
    """The small card shown when a member marker is clicked."""

    visible = permissions.visible_clusters(request.user).values("pk")
    company = get_object_or_404(
        Company.objects.select_related("commune", "naf").filter(
            pk__in=Membership.objects.filter(cluster__in=visible).values("company_id")
        ),
        pk=pk,
    )
    clusters = (
        Cluster.objects.filter(pk__in=visible, memberships__company=company)
        .only("slug", "name", "acronym")
        .order_by("name")
    )
    return render(request, "directory/_map_popup.html", {"company": company, "clusters": clusters})


# Editing a cluster --------------------------------------------------------------------

EDIT_FIELDS = ["description", "website", "filieres", "labels"]


@login_required
@require_http_methods(["GET", "POST"])
def cluster_edit(request, slug):
    # 404 for a cluster the user may not see, so the page does not confirm it exists.
    cluster = get_object_or_404(permissions.visible_clusters(request.user), slug=slug)
    if not permissions.can_edit_cluster(request.user, cluster):
        raise PermissionDenied(_("Vous ne pouvez modifier que la fiche de votre cluster."))
    # Snapshot first: validating a ModelForm already writes the new values on the instance.
    before = audit.snapshot(cluster, EDIT_FIELDS)
    contact = cluster.contacts.order_by("pk").first()
    contact_fields = ["name", "role", "email", "phone"]
    contact_before = audit.snapshot(contact, contact_fields) if contact else {}
    form = ClusterEditForm(request.POST or None, instance=cluster)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            changes = audit.diff(before, audit.snapshot(cluster, EDIT_FIELDS))
            if changes:
                audit.record(request.user, "update", cluster, changes)
            incoming = {f: form.cleaned_data[f"contact_{f}"] for f in contact_fields}
            if incoming["name"]:
                if contact is None:
                    contact = Contact.objects.create(cluster=cluster, **incoming)
                    audit.record(request.user, "create", contact, audit.diff({}, incoming))
                else:
                    for f, v in incoming.items():
                        setattr(contact, f, v)
                    contact.save()
                    contact_changes = audit.diff(
                        contact_before, audit.snapshot(contact, contact_fields)
                    )
                    if contact_changes:
                        audit.record(request.user, "update", contact, contact_changes)
        messages.success(request, _("La fiche a été enregistrée."))
        return redirect(f"/annuaire/{cluster.slug}/")
    return render(request, "directory/cluster_edit.html", {"cluster": cluster, "form": form})


# Web imports ------------------------------------------------------------------------

SESSION_IMPORTS = "mapster_imports"


def _importable_clusters(user):
    if permissions.is_operator(user):
        return Cluster.objects.order_by("name")
    return Cluster.objects.filter(pk__in=permissions.managed_cluster_ids(user)).order_by("name")


def _may_import(user, kind: str, cluster: Cluster | None) -> bool:
    if permissions.is_operator(user):
        return True
    return (
        kind == "members"
        and cluster is not None
        and permissions.can_edit_memberships(user, cluster)
    )


def _import_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports" / "web"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending(request, token: str) -> dict:
    """The upload this session made under `token`; 404 for anyone else's."""

    entry = request.session.get(SESSION_IMPORTS, {}).get(token)
    if not entry or entry.get("user") != request.user.pk:
        raise Http404(_("Import introuvable ou expiré."))
    return entry


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    clusters = _importable_clusters(request.user)
    operator = permissions.is_operator(request.user)
    if not operator and not clusters.exists():
        raise PermissionDenied(
            _("L'import est réservé aux opérateurs et aux animateurs de cluster.")
        )
    initial = {"cluster": request.GET.get("cluster", "")}
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        clusters=clusters,
        operator=operator,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        cluster = clusters.filter(slug=form.cleaned_data["cluster"]).first()
        if not _may_import(request.user, kind, cluster):
            raise PermissionDenied(_("Vous ne pouvez importer que les adhérents de votre cluster."))
        upload = form.cleaned_data["file"]
        uploads.purge(apply=True)  # files past MAPSTER_UPLOAD_RETENTION_DAYS
        token = secrets.token_urlsafe(16)
        suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
        stored = _import_dir() / f"{token}{suffix}"
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        entry = {
            "user": request.user.pk,
            "kind": kind,
            "cluster": cluster.slug if cluster else "",
            "filename": Path(upload.name).name[:200],
            "path": str(stored),
            "rejects": str(_import_dir() / f"{token}.rejets{suffix}"),
        }
        report = _run_import(request, entry, apply=False)
        pending = request.session.get(SESSION_IMPORTS, {})
        pending[token] = entry | {"rejected": report.rejected, "fatal": report.fatal}
        request.session[SESSION_IMPORTS] = pending
        return render(
            request,
            "directory/import_report.html",
            {"report": report, "token": token, "entry": entry, "cluster": cluster},
        )
    return render(request, "directory/import_upload.html", {"form": form, "operator": operator})


def _run_import(request, entry: dict, apply: bool):
    return importing.import_file(
        Path(entry["path"]),
        entry["kind"],
        cluster=entry["cluster"] or None,
        apply=apply,
        filename=entry["filename"],
        rejects_path=entry["rejects"],
        user=request.user,
    )


@login_required
@require_POST
def import_confirm(request, token):
    entry = _pending(request, token)
    cluster = Cluster.objects.filter(slug=entry["cluster"]).first() if entry["cluster"] else None
    if not _may_import(request.user, entry["kind"], cluster):
        raise PermissionDenied(_("Vous ne pouvez importer que les adhérents de votre cluster."))
    if entry.get("applied"):
        messages.info(request, _("Ce fichier a déjà été importé."))
        return redirect("/annuaire/import/")
    if not Path(entry["path"]).is_file():  # purged after MAPSTER_UPLOAD_RETENTION_DAYS
        raise Http404(_("Import introuvable ou expiré."))
    report = _run_import(request, entry, apply=True)
    # Applied: the upload is no longer needed (its rejects file stays for download).
    Path(entry["path"]).unlink(missing_ok=True)
    pending = request.session.get(SESSION_IMPORTS, {})
    pending[token] = entry | {"applied": True, "rejected": report.rejected}
    request.session[SESSION_IMPORTS] = pending
    if report.ok:
        messages.success(request, _("Import terminé."))
    return render(
        request,
        "directory/import_report.html",
        {"report": report, "token": token, "entry": entry, "cluster": cluster, "applied": True},
    )


@login_required
@require_GET
def import_rejects(request, token):
    entry = _pending(request, token)
    path = Path(entry["rejects"])
    if not path.exists():
        raise Http404(_("Aucune ligne rejetée."))
    name = f"{Path(entry['filename']).stem}.rejets{path.suffix}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@login_required
@require_GET
def import_template(request, kind, fmt):
    if kind not in importing.KINDS or fmt not in ("csv", "xlsx"):
        raise Http404(_("Modèle inconnu."))
    response = HttpResponse(importing.template_file(kind, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="modele-{kind}.{fmt}"'
    return response
