import json
import os
from pathlib import Path

import pytest
from django.utils.text import slugify

from accounts.models import Role
from tests.factories import ClusterFactory, UserFactory


@pytest.fixture
def regions(db):
    """The 13 metropolitan régions with their boundaries, from the reference bundle."""

    from territories.models import Region

    path = Path(os.environ["MAPSTER_REFERENCE_DIR"]) / "regions.geojson"
    features = json.loads(path.read_text())["features"]
    for f in features:
        props = f["properties"]
        Region.objects.update_or_create(
            code=props["code"],
            defaults={
                "name": props["nom"],
                "slug": slugify(props["nom"]),
                "zone": "metro",
                "geometry": f["geometry"],
            },
        )
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
