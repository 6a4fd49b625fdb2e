import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import permissions as perms
from accounts.models import Role
from directory.models import Cluster
from tests.factories import ClusterFactory, CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _user_with(kind, **target):
    user = UserFactory()
    Role.objects.create(user=user, kind=kind, **target)
    return user


def test_manager_edits_own_cluster_only():
    mine, other = ClusterFactory(), ClusterFactory()
    manager = _user_with(Role.Kind.MANAGER, cluster=mine)
    assert perms.can_edit_cluster(manager, mine)
    assert not perms.can_edit_cluster(manager, other)
    assert perms.can_view_private(manager, mine)
    assert not perms.can_view_private(manager, other)


def test_company_user_edits_only_their_company():
    mine, other = CompanyFactory(), CompanyFactory()
    user = _user_with(Role.Kind.COMPANY, company=mine)
    assert perms.can_edit_company(user, mine)
    assert not perms.can_edit_company(user, other)
    assert not perms.can_edit_cluster(user, ClusterFactory())


def test_manager_edits_companies_of_their_cluster_members_only():
    membership = MembershipFactory()
    outsider = CompanyFactory()
    manager = _user_with(Role.Kind.MANAGER, cluster=membership.cluster)
    assert perms.can_edit_company(manager, membership.company)
    assert not perms.can_edit_company(manager, outsider)
    assert list(perms.editable_companies(manager)) == [membership.company]


def test_institution_reads_private_fields_but_writes_nothing():
    cluster = ClusterFactory()
    viewer = _user_with(Role.Kind.INSTITUTION, institution="DGE")
    assert perms.can_view_private(viewer, cluster)
    assert perms.can_view_aggregates(viewer)
    assert not perms.can_edit_cluster(viewer, cluster)
    assert not perms.can_edit_company(viewer, CompanyFactory())


def test_visibility_hides_clusters_from_those_not_allowed():
    public = ClusterFactory(visibility=Cluster.Visibility.PUBLIC)
    restricted = ClusterFactory(visibility=Cluster.Visibility.MEMBERS)
    hidden = ClusterFactory(visibility=Cluster.Visibility.HIDDEN)
    manager = _user_with(Role.Kind.MANAGER, cluster=hidden)
    staff = UserFactory(is_staff=True)
    somebody = UserFactory()

    assert set(perms.visible_clusters(AnonymousUser())) == {public}
    assert set(perms.visible_clusters(somebody)) == {public, restricted}
    assert set(perms.visible_clusters(manager)) == {public, restricted, hidden}
    assert set(perms.visible_clusters(staff)) == {public, restricted, hidden}
    assert not perms.can_view_cluster(somebody, hidden)
    assert not perms.can_view_private(AnonymousUser(), public)


def test_inactive_user_loses_every_right():
    cluster = ClusterFactory()
    manager = _user_with(Role.Kind.MANAGER, cluster=cluster)
    manager.is_active = False
    assert not perms.can_edit_cluster(manager, cluster)
    staff = UserFactory(is_staff=True, is_active=False)
    assert not perms.is_operator(staff)


def test_operator_role_without_staff_flag_is_operator():
    operator = _user_with(Role.Kind.OPERATOR)
    assert perms.can_create_cluster(operator)
    assert perms.can_edit_cluster(operator, ClusterFactory(visibility=Cluster.Visibility.HIDDEN))
