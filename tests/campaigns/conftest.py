import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from campaigns import services
from campaigns.models import Campaign
from directory.models import Contact
from surveys.services import import_form
from tests.factories import (
    ClusterFactory,
    CommuneFactory,
    DepartementFactory,
    RegionFactory,
    UserFactory,
)


@pytest.fixture
def version(db):
    """The 2020 barometer questionnaire, imported through the surveys service."""

    path = Path(os.environ["MAPSTER_FIXTURES_DIR"]) / "barometre-2020" / "questionnaire.xlsx"
    return import_form(path.read_bytes(), path.name, slug="barometre-2020").version


def _cluster(name, region_code, region_name, dep_code, commune_code, email=True, **kw):
    region = RegionFactory(code=region_code, name=region_name)
    dep = DepartementFactory(code=dep_code, name=f"Dép {dep_code}", region=region)
    commune = CommuneFactory(code=commune_code, name=f"Commune {commune_code}", departement=dep)
    cluster = ClusterFactory(name=name, commune=commune, **kw)
    if email:
        Contact.objects.create(
            cluster=cluster, name=f"Contact {name}", email=f"{cluster.slug}@ex.org"
        )
    return cluster


@pytest.fixture
def clusters(db):
    """Three clusters in three régions, one without e-mail, plus one pôle elsewhere."""

    return {
        "ara": _cluster("Cluster Lyon", "84", "Auvergne-Rhône-Alpes", "69", "69123"),
        "occ": _cluster("Cluster Toulouse", "76", "Occitanie", "31", "31555"),
        "bzh": _cluster("Cluster Rennes", "53", "Bretagne", "35", "35238"),
        "pole": _cluster(
            "Pôle Lille", "32", "Hauts-de-France", "59", "59350", email=False, kind="pole"
        ),
    }


@pytest.fixture
def open_campaign(version, clusters):
    now = timezone.now()
    campaign = Campaign.objects.create(
        title="Baromètre test",
        version=version,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        targeting={"regions": ["84", "76", "53"]},
    )
    return campaign


@pytest.fixture
def tokens(open_campaign, mailoutbox):
    """Invite the three clusters; the raw tokens read back from the e-mails."""

    services.invite(open_campaign)
    out = {}
    for message in mailoutbox:
        token = message.body.split("/repondre/")[1].split("/")[0]
        out[message.to[0]] = token
    return {
        key: out[f"{cluster.slug}@ex.org"]
        for key, cluster in (
            ("ara", open_campaign.invitations.get(cluster__name="Cluster Lyon").cluster),
            ("occ", open_campaign.invitations.get(cluster__name="Cluster Toulouse").cluster),
            ("bzh", open_campaign.invitations.get(cluster__name="Cluster Rennes").cluster),
        )
    }


@pytest.fixture
def operator(db):
    return UserFactory(username="operatrice", is_staff=True)


@pytest.fixture
def manager_of(db):
    def make(cluster, username="animateur"):
        user = UserFactory(username=username)
        Role.objects.create(user=user, kind=Role.Kind.MANAGER, cluster=cluster)
        return user

    return make


VALID = {
    "cluster_nom": "Cluster Lyon",
    "region": "84",
    "filiere": "mecanique",
    "nb_entreprises": "120",
    "difficultes": "quelques",
    "opportunites": "oui",
    "types_opportunites": ["nouveaux_marches", "relocalisation"],
}


@pytest.fixture
def valid_answers():
    return dict(VALID)
