"""Who may see and change what in the directory.

One module decides, so that the HTML pages and the API cannot drift apart. Every
function takes a user (possibly anonymous, possibly inactive) and an object; none
raises. Roles:

- operator: staff (Django admin) or a Role of kind "operator": sees and edits everything.
- cluster manager: Role "manager" tied to a cluster; edits that cluster, its
  memberships and the companies that are its members; reads its private fields.
- company user: Role "company" tied to a company; edits that company only.
- institution viewer: Role "institution"; reads the private fields of every cluster
  it can see and the aggregates, writes nothing.

Cluster visibility: "public" is open to anyone, "restricted" to signed-in users,
"hidden" only to operators and that cluster's managers.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Role

_CACHE_ATTR = "_mapster_roles"


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def roles(user) -> list[Role]:
    """The user's roles, read once per user object (a request) and cached on it."""

    if not _active(user):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Role.objects.filter(user=user).select_related("cluster", "company"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles after they change (invitation accepted, role granted)."""

    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_operator(user) -> bool:
    if not _active(user):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(r.kind == Role.Kind.OPERATOR for r in roles(user))


def is_institution(user) -> bool:
    return any(r.kind == Role.Kind.INSTITUTION for r in roles(user))


def managed_cluster_ids(user) -> set[int]:
    return {r.cluster_id for r in roles(user) if r.kind == Role.Kind.MANAGER and r.cluster_id}


def company_ids(user) -> set[int]:
    return {r.company_id for r in roles(user) if r.kind == Role.Kind.COMPANY and r.company_id}


# Clusters ---------------------------------------------------------------------------


def visible_clusters(user, queryset: QuerySet | None = None) -> QuerySet:
    """Clusters the user may see at all (their public fields)."""

    from directory.models import Cluster

    qs = Cluster.objects.all() if queryset is None else queryset
    if is_operator(user):
        return qs
    V = Cluster.Visibility
    if not _active(user):
        return qs.filter(visibility=V.PUBLIC)
    return qs.filter(Q(visibility__in=[V.PUBLIC, V.MEMBERS]) | Q(pk__in=managed_cluster_ids(user)))


def can_view_cluster(user, cluster) -> bool:
    from directory.models import Cluster

    V = Cluster.Visibility
    if cluster.visibility == V.PUBLIC:
        return True
    if not _active(user):
        return False
    if cluster.visibility == V.MEMBERS:
        return True
    return is_operator(user) or cluster.pk in managed_cluster_ids(user)


def can_view_private(user, cluster) -> bool:
    """Contacts, structure SIREN, provenance details, non-public visibility settings."""

    if not can_view_cluster(user, cluster):
        return False
    return is_operator(user) or is_institution(user) or cluster.pk in managed_cluster_ids(user)


def can_create_cluster(user) -> bool:
    return is_operator(user)


def can_edit_cluster(user, cluster) -> bool:
    return is_operator(user) or (cluster.pk is not None and cluster.pk in managed_cluster_ids(user))


def can_delete_cluster(user, cluster) -> bool:
    return is_operator(user)


def can_invite(user, cluster=None) -> bool:
    """Only operators invite (a manager could otherwise grant themselves company seats)."""

    return is_operator(user)


# Memberships ------------------------------------------------------------------------


def can_edit_memberships(user, cluster) -> bool:
    """Add, change or remove a cluster's members."""

    return can_edit_cluster(user, cluster)


def visible_memberships(user, queryset: QuerySet | None = None) -> QuerySet:
    from directory.models import Membership

    qs = Membership.objects.all() if queryset is None else queryset
    if is_operator(user):
        return qs
    return qs.filter(cluster__in=visible_clusters(user).values("pk"))


# Companies --------------------------------------------------------------------------


def can_edit_company(user, company) -> bool:
    """Operators; the company's own users; managers of a cluster the company belongs to."""

    if is_operator(user):
        return True
    if not _active(user) or company.pk is None:
        return False
    if company.pk in company_ids(user):
        return True
    managed = managed_cluster_ids(user)
    if not managed:
        return False
    return company.memberships.filter(cluster_id__in=managed).exists()


def editable_companies(user, queryset: QuerySet | None = None) -> QuerySet:
    from directory.models import Company

    qs = Company.objects.all() if queryset is None else queryset
    if is_operator(user):
        return qs
    if not _active(user):
        return qs.none()
    return qs.filter(
        Q(pk__in=company_ids(user)) | Q(memberships__cluster_id__in=managed_cluster_ids(user))
    ).distinct()


def can_view_aggregates(user) -> bool:
    """Statistics that include non-public clusters."""

    return is_operator(user) or is_institution(user)
