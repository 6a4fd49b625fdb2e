import pytest

from tests.factories import (
    ClusterFactory,
    CompanyFactory,
    EstablishmentFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db


def test_search_is_accent_insensitive_through_core_search(client):
    ClusterFactory(name="Pôle Mécanique Alsace", slug="meca")
    ClusterFactory(name="Bois Nord", slug="bois")
    body = client.get("/api/v1/clusters?q=mecanique").json()
    assert [c["slug"] for c in body["items"]] == ["meca"]


def test_establishments_match_their_company_name(client):
    establishment = EstablishmentFactory(company=CompanyFactory(name="Usinage Garonne"))
    other = EstablishmentFactory()
    for e in (establishment, other):
        MembershipFactory(company=e.company)
    body = client.get("/api/v1/establishments?q=usinage").json()
    assert [e["siret"] for e in body["items"]] == [establishment.siret]


def test_repeated_filter_values_are_ored_like_on_the_pages(client):
    ClusterFactory(kind="pole", slug="p")
    ClusterFactory(kind="grappe", slug="g")
    ClusterFactory(kind="cluster", slug="c")
    body = client.get("/api/v1/clusters?kind=pole&kind=grappe").json()
    assert {c["slug"] for c in body["items"]} == {"p", "g"}


@pytest.mark.parametrize("path", ["/api/v1/clusters.geojson", "/api/v1/companies.geojson"])
def test_geojson_honours_search(client, path):
    ClusterFactory(name="Pôle Mécanique Alsace", slug="meca")
    MembershipFactory(company=CompanyFactory(name="Mécanique de précision"))
    ClusterFactory(name="Bois Nord", slug="bois")
    MembershipFactory(company=CompanyFactory(name="Scierie du Nord"))
    body = client.get(f"{path}?q=mecanique").json()
    assert body["count"] == 1 and len(body["features"]) == 1
