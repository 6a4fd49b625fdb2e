import pytest

from directory.models import AuditEntry, Cluster, Membership
from tests.factories import (
    ClusterFactory,
    CompanyFactory,
    EstablishmentFactory,
    FiliereFactory,
    MembershipFactory,
    NafCodeFactory,
)

pytestmark = pytest.mark.django_db


def test_cluster_list_paginates_with_total_count(client, settings):
    settings.MAPSTER_API_PAGE_SIZE = 2
    for _ in range(5):
        ClusterFactory()
    body = client.get("/api/v1/clusters").json()
    assert body["count"] == 5 and body["pages"] == 3 and len(body["items"]) == 2
    last = client.get("/api/v1/clusters?page=3").json()
    assert len(last["items"]) == 1
    beyond = client.get("/api/v1/clusters?page=9").json()
    assert beyond["items"] == [] and beyond["count"] == 5


def test_cluster_filters_match_kind_label_filiere_and_company(client, two_clusters):
    filiere = FiliereFactory()
    pole = ClusterFactory(kind=Cluster.Kind.POLE, main_filiere=filiere)

    def slugs(query):
        return {c["slug"] for c in client.get(f"/api/v1/clusters?{query}").json()["items"]}

    assert slugs("kind=pole") == {pole.slug}
    assert slugs("label=pole") == {"aero-sud"}
    assert slugs(f"filiere={filiere.slug}") == {pole.slug}
    assert slugs(f"company={two_clusters['b_member'].company.siren}") == {"bois-nord"}
    assert slugs("departement=31") >= {"aero-sud", "bois-nord"}
    assert slugs("departement=75") == set()
    assert slugs("q=bois") == {"bois-nord"}


def test_company_filters_by_cluster_and_naf(client, two_clusters):
    naf = NafCodeFactory()
    company = two_clusters["a_member"].company
    company.naf = naf
    company.save()
    rows = client.get("/api/v1/companies?cluster=aero-sud").json()["items"]
    assert [r["siren"] for r in rows] == [company.siren]
    assert rows[0]["clusters"] == ["aero-sud"]
    by_naf = client.get("/api/v1/companies?naf=30.3").json()
    assert by_naf["count"] == 1


def test_anonymous_sees_public_fields_only(client, two_clusters):
    body = client.get("/api/v1/clusters/aero-sud").json()
    assert body["name"] == "Aéro Sud"
    assert body["private"] is None
    assert "contact@" not in client.get("/api/v1/clusters").content.decode()


def test_hidden_cluster_is_404_for_anonymous_and_absent_from_lists(client, hidden_cluster):
    assert client.get("/api/v1/clusters/cache").status_code == 404
    assert client.get("/api/v1/clusters").json()["count"] == 0
    assert client.get("/api/v1/clusters.geojson").json()["features"] == []


def test_memberships_of_hidden_cluster_are_not_listed(client, hidden_cluster):
    MembershipFactory(cluster=hidden_cluster)
    assert client.get("/api/v1/memberships").json()["count"] == 0
    company = Membership.objects.get().company
    # As on the pages, a company known only through a hidden cluster is not listed.
    assert client.get(f"/api/v1/companies/{company.siren}").status_code == 404
    assert client.get("/api/v1/companies").json()["count"] == 0


def test_geojson_places_clusters_at_their_commune(client, two_clusters):
    response = client.get("/api/v1/clusters.geojson")
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert {f["properties"]["slug"] for f in features} == {"aero-sud", "bois-nord"}
    assert features[0]["geometry"]["coordinates"] == [1.4329, 43.6007]


def test_companies_geojson_reports_truncation(client):
    for _ in range(3):
        MembershipFactory()
    body = client.get("/api/v1/companies.geojson?limit=2").json()
    assert body["count"] == 3 and body["truncated"] is True and len(body["features"]) == 2


def test_establishment_detail_and_unknown_siret(client):
    establishment = EstablishmentFactory()
    MembershipFactory(company=establishment.company)
    body = client.get(f"/api/v1/establishments/{establishment.siret}").json()
    assert body["siren"] == establishment.company.siren
    missing = client.get("/api/v1/establishments/00000000000000")
    assert missing.status_code == 404 and missing.json()["detail"] == "Établissement introuvable."


def test_write_without_token_is_401_with_reason(client, two_clusters):
    response = client.patch(
        "/api/v1/clusters/aero-sud", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert "Authorization" in response.json()["detail"]


def test_operator_creates_cluster_and_it_is_audited(client, personas):
    response = client.post(
        "/api/v1/clusters",
        {"slug": "neuf", "name": "Nouveau cluster", "regions": ["76"], "kind": "pole"},
        content_type="application/json",
        headers=personas["operator"].headers,
    )
    assert response.status_code == 201, response.content
    assert response.json()["private"]["visibility"] == "public"
    entry = AuditEntry.objects.get(object_type="cluster", action="create")
    assert entry.user == personas["operator"].user
    assert entry.cluster.slug == "neuf"
    assert entry.changes["name"] == "Nouveau cluster"


def test_create_cluster_with_unknown_commune_is_422_and_creates_nothing(client, personas):
    response = client.post(
        "/api/v1/clusters",
        {"slug": "neuf", "name": "Nouveau", "commune": "99999"},
        content_type="application/json",
        headers=personas["operator"].headers,
    )
    assert response.status_code == 422
    assert "commune" in response.json()["detail"]
    assert not Cluster.objects.filter(slug="neuf").exists()


def test_duplicate_slug_is_409(client, personas):
    response = client.post(
        "/api/v1/clusters",
        {"slug": "aero-sud", "name": "Doublon"},
        content_type="application/json",
        headers=personas["operator"].headers,
    )
    assert response.status_code == 409


def test_manager_update_records_only_changed_fields(client, personas):
    response = client.patch(
        "/api/v1/clusters/aero-sud",
        {"acronym": "AS", "name": "Aéro Sud"},
        content_type="application/json",
        headers=personas["manager_a"].headers,
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes == {"acronym": ["", "AS"]}


def test_membership_create_update_delete_are_audited(client, personas, two_clusters):
    company = CompanyFactory()
    headers = personas["manager_a"].headers
    created = client.post(
        "/api/v1/memberships",
        {"cluster": "aero-sud", "company": company.siren, "role": "partner"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    duplicate = client.post(
        "/api/v1/memberships",
        {"cluster": "aero-sud", "company": company.siren},
        content_type="application/json",
        headers=headers,
    )
    assert duplicate.status_code == 409
    updated = client.patch(
        f"/api/v1/memberships/{pk}",
        {"role": "founder"},
        content_type="application/json",
        headers=headers,
    )
    assert updated.json()["role"] == "founder"
    assert client.delete(f"/api/v1/memberships/{pk}", headers=headers).status_code == 204
    actions = list(
        AuditEntry.objects.filter(object_type="membership", object_id=str(pk))
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]
    assert AuditEntry.objects.filter(cluster=two_clusters["a"]).count() == 3


def test_nul_characters_are_rejected_not_crashing(client, personas):
    assert client.get("/api/v1/clusters?q=a%00b").status_code == 422
    assert client.get("/api/v1/clusters/a%00b").status_code == 404
    response = client.post(
        "/api/v1/clusters",
        {"slug": "x", "name": "a\x00b"},
        content_type="application/json",
        headers=personas["operator"].headers,
    )
    assert response.status_code == 422


def test_malformed_json_body_is_a_json_error(client, personas):
    response = client.post(
        "/api/v1/clusters",
        "{not json",
        content_type="application/json",
        headers=personas["operator"].headers,
    )
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_company_of_a_hidden_cluster_is_reachable_by_those_allowed(client, hidden_cluster):
    from tests.fixtures.directory import make_persona

    company = MembershipFactory(cluster=hidden_cluster).company
    EstablishmentFactory(company=company)
    operator = make_persona(staff=True)
    url = f"/api/v1/companies/{company.siren}"
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/establishments").json()["count"] == 0
    assert client.get(url, headers=operator.headers).json()["clusters"] == ["cache"]
    assert client.get("/api/v1/establishments", headers=operator.headers).json()["count"] == 1
