import os
from pathlib import Path

import pytest

from accounts.models import Role
from tests.factories import ClusterFactory, UserFactory


@pytest.fixture
def regions(reference):
    """Every région with its boundary, and the filières, through the real loader."""

    from territories.models import Region

    return {r.code: r for r in Region.objects.all()}


@pytest.fixture
def seed_csv():
    return Path(os.environ["MAPSTER_FIXTURES_DIR"]) / "exemples-2020.csv"


@pytest.fixture
def operator(db):
    return UserFactory(username="operatrice", is_staff=True)


@pytest.fixture
def manager(db):
    user = UserFactory(username="animateur")
    cluster = ClusterFactory(name="Cluster Lumière")
    Role.objects.create(user=user, kind=Role.Kind.MANAGER, cluster=cluster)
    user.managed_cluster = cluster
    return user
