"""What the search index holds for clusters and companies, and how it stays current.

Saving or deleting one object updates its document through signals; bulk writes
(imports, demo, SIRENE) bypass signals, so those services call ``search.rebuild``.
"""

from collections import defaultdict

from django.db.models.signals import m2m_changed, post_delete, post_save

from core import search
from directory.models import Cluster, Company

CHUNK = 5000


def _join(*parts) -> str:
    return " ".join(p for p in parts if p)


def cluster_document(cluster: Cluster) -> tuple[int, str, str]:
    filieres = [f.name for f in cluster.filieres.all()]
    main = cluster.main_filiere.name if cluster.main_filiere_id else ""
    commune = cluster.commune.name if cluster.commune_id else ""
    return (
        cluster.pk,
        _join(cluster.name, cluster.acronym),
        _join(cluster.get_kind_display(), main, *filieres, commune, cluster.description),
    )


def cluster_documents():
    filieres = defaultdict(list)
    through = Cluster.filieres.through.objects.values_list("cluster_id", "filiere__name")
    for cluster_id, name in through.iterator(chunk_size=CHUNK):
        filieres[cluster_id].append(name)
    kinds = dict(Cluster.Kind.choices)
    rows = Cluster.objects.values_list(
        "pk", "name", "acronym", "kind", "main_filiere__name", "commune__name", "description"
    ).order_by()
    for pk, name, acronym, kind, main, commune, description in rows.iterator(chunk_size=CHUNK):
        yield (
            pk,
            _join(name, acronym),
            _join(str(kinds.get(kind, "")), main, *filieres[pk], commune, description),
        )


def company_document(company: Company) -> tuple[int, str, str]:
    naf = company.naf.label if company.naf_id else ""
    commune = company.commune.name if company.commune_id else ""
    return (company.pk, _join(company.name, company.siren), _join(naf, commune, company.offer))


def company_documents(sirens=None):
    """Documents of every company, or of the given SIRENs only (queried in chunks)."""
    fields = ("pk", "name", "siren", "naf__label", "commune__name", "offer")
    if sirens is None:
        batches = [Company.objects.values_list(*fields).order_by()]
    else:
        sirens = list(sirens)
        batches = (
            Company.objects.filter(siren__in=sirens[i : i + 900]).values_list(*fields).order_by()
            for i in range(0, len(sirens), 900)
        )
    for rows in batches:
        for pk, name, siren, naf, commune, offer in rows.iterator(chunk_size=CHUNK):
            yield pk, _join(name, siren), _join(naf, commune, offer)


def _cluster_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.index_many("cluster", [cluster_document(instance)])


def _cluster_filieres_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Cluster):
        search.index_many("cluster", [cluster_document(instance)])


def _company_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.index_many("company", [company_document(instance)])


def connect() -> None:
    search.register("cluster", Cluster, cluster_documents)
    search.register("company", Company, company_documents)
    post_save.connect(_cluster_saved, sender=Cluster, dispatch_uid="search_cluster_saved")
    post_save.connect(_company_saved, sender=Company, dispatch_uid="search_company_saved")
    post_delete.connect(
        lambda sender, instance, **kw: search.remove("cluster", instance.pk),
        sender=Cluster,
        dispatch_uid="search_cluster_deleted",
        weak=False,
    )
    post_delete.connect(
        lambda sender, instance, **kw: search.remove("company", instance.pk),
        sender=Company,
        dispatch_uid="search_company_deleted",
        weak=False,
    )
    m2m_changed.connect(
        _cluster_filieres_changed,
        sender=Cluster.filieres.through,
        dispatch_uid="search_cluster_filieres",
    )
