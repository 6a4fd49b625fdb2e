"""Every write path, tried by every persona: API (token) and pages (session).

Personas (tests/fixtures/directory.py): operator (staff), manager_a / manager_b
(managers of clusters "aero-sud" / "bois-nord"), company_a (user of a member company
of aero-sud), institution (DGE), plain (signed-in, no role) and anonymous.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from directory.models import AuditEntry, Cluster, Company, Membership
from tests.factories import ClusterFactory, CompanyFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _patch(client, url, data, persona=None):
    headers = persona.headers if persona else {}
    return client.patch(url, json.dumps(data), content_type=JSON, headers=headers)


def _post(client, url, data, persona=None):
    headers = persona.headers if persona else {}
    return client.post(url, json.dumps(data), content_type=JSON, headers=headers)


# Reading private fields ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees_a", "sees_b"),
    [
        ("operator", True, True),
        ("manager_a", True, False),
        ("manager_b", False, True),
        ("company_a", False, False),
        ("institution", True, True),
        ("plain", False, False),
    ],
)
def test_private_fields_through_the_api(client, personas, who, sees_a, sees_b):
    headers = personas[who].headers
    a = client.get("/api/v1/clusters/aero-sud", headers=headers).json()
    b = client.get("/api/v1/clusters/bois-nord", headers=headers).json()
    assert (a["private"] is not None) is sees_a
    assert (b["private"] is not None) is sees_b
    listed = client.get("/api/v1/clusters", headers=headers).content.decode()
    assert ("contact@aero-sud.fr" in listed) is sees_a
    assert ("contact@bois-nord.fr" in listed) is sees_b


def test_anonymous_reads_public_fields_only(client, personas):
    body = client.get("/api/v1/clusters/aero-sud").json()
    assert body["name"] == "Aéro Sud" and body["private"] is None
    assert "contact@" not in client.get("/annuaire/aero-sud/").content.decode()


def test_manager_cannot_read_other_cluster_private_fields_on_the_page(client, personas):
    client.force_login(personas["manager_a"].user)
    assert "contact@aero-sud.fr" in client.get("/annuaire/aero-sud/").content.decode()
    assert "contact@bois-nord.fr" not in client.get("/annuaire/bois-nord/").content.decode()


def test_institution_reads_private_fields_on_the_page(client, personas):
    client.force_login(personas["institution"].user)
    assert "contact@bois-nord.fr" in client.get("/annuaire/bois-nord/").content.decode()


# Editing clusters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("operator", 200),
        ("manager_a", 200),
        ("manager_b", 403),
        ("company_a", 403),
        ("institution", 403),
        ("plain", 403),
    ],
)
def test_cluster_update_through_the_api(client, personas, who, status):
    response = _patch(client, "/api/v1/clusters/aero-sud", {"acronym": "NEW"}, personas[who])
    assert response.status_code == status
    acronym = Cluster.objects.get(slug="aero-sud").acronym
    assert (acronym == "NEW") is (status == 200)
    assert AuditEntry.objects.filter(action="update").exists() is (status == 200)
    if status != 200:
        assert response.json()["detail"]


def test_anonymous_cannot_update_a_cluster(client, personas):
    assert _patch(client, "/api/v1/clusters/aero-sud", {"acronym": "X"}).status_code == 401
    assert Cluster.objects.get(slug="aero-sud").acronym == ""


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("operator", True),
        ("manager_a", True),
        ("manager_b", False),
        ("company_a", False),
        ("institution", False),
        ("plain", False),
    ],
)
def test_cluster_edit_page(client, personas, who, allowed):
    client.force_login(personas[who].user)
    url = "/annuaire/aero-sud/modifier/"
    assert client.get(url).status_code == (200 if allowed else 403)
    response = client.post(
        url,
        {"description": "Changé", "website": "", "contact_name": ""},
    )
    changed = Cluster.objects.get(slug="aero-sud").description == "Changé"
    assert changed is allowed, response.status_code
    assert AuditEntry.objects.filter(cluster__slug="aero-sud").exists() is allowed


def test_anonymous_is_sent_to_login_from_the_edit_page(client, personas):
    response = client.get("/annuaire/aero-sud/modifier/")
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_only_operators_create_clusters(client, personas):
    for who in ("manager_a", "company_a", "institution", "plain"):
        response = _post(
            client, "/api/v1/clusters", {"slug": f"new-{who}", "name": "N"}, personas[who]
        )
        assert response.status_code == 403, who
    assert (
        _post(
            client, "/api/v1/clusters", {"slug": "new", "name": "N"}, personas["operator"]
        ).status_code
        == 201
    )


def test_hidden_cluster_of_someone_else_is_404_not_403(client, personas, hidden_cluster):
    response = _patch(client, "/api/v1/clusters/cache", {"acronym": "X"}, personas["manager_a"])
    assert response.status_code == 404


def test_edit_page_of_someone_elses_hidden_cluster_is_404(client, personas, hidden_cluster):
    client.force_login(personas["manager_a"].user)
    assert client.get("/annuaire/cache/modifier/").status_code == 404


# Memberships ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("operator", 201),
        ("manager_a", 201),
        ("manager_b", 403),
        ("company_a", 403),
        ("institution", 403),
        ("plain", 403),
    ],
)
def test_membership_creation_through_the_api(client, personas, who, status):
    company = CompanyFactory()
    response = _post(
        client,
        "/api/v1/memberships",
        {"cluster": "aero-sud", "company": company.siren},
        personas[who],
    )
    assert response.status_code == status
    exists = Membership.objects.filter(cluster__slug="aero-sud", company=company).exists()
    assert exists is (status == 201)


def test_manager_cannot_change_or_remove_other_cluster_members(client, personas, two_clusters):
    pk = two_clusters["b_member"].pk
    manager = personas["manager_a"]
    assert (
        _patch(client, f"/api/v1/memberships/{pk}", {"role": "founder"}, manager).status_code == 403
    )
    response = client.delete(f"/api/v1/memberships/{pk}", headers=manager.headers)
    assert response.status_code == 403
    assert Membership.objects.get(pk=pk).role == "member"


def test_manager_cannot_import_members_into_other_cluster_on_the_page(client, personas):
    client.force_login(personas["manager_a"].user)
    body = "siret;raison_sociale;code_naf;tranche_effectif;code_commune\n"
    upload = SimpleUploadedFile("a.csv", body.encode(), content_type="text/csv")
    response = client.post(
        "/annuaire/import/", {"kind": "members", "cluster": "bois-nord", "file": upload}
    )
    # The form only offers the manager's own cluster: the other one is not a valid choice.
    assert response.status_code in (200, 403)
    assert "confirmer" not in response.content.decode()
    assert Membership.objects.filter(cluster__slug="bois-nord").count() == 1


def test_company_user_cannot_reach_the_import_page(client, personas):
    client.force_login(personas["company_a"].user)
    assert client.get("/annuaire/import/").status_code == 403


# Companies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "own_ok", "other_ok"),
    [
        ("operator", True, True),
        ("manager_a", True, False),  # own = a member of their cluster
        ("manager_b", False, True),
        ("company_a", True, False),
        ("institution", False, False),
        ("plain", False, False),
    ],
)
def test_company_update_through_the_api(client, personas, two_clusters, who, own_ok, other_ok):
    own = two_clusters["a_member"].company
    other = two_clusters["b_member"].company
    for company, ok in ((own, own_ok), (other, other_ok)):
        response = _patch(
            client, f"/api/v1/companies/{company.siren}", {"offer": f"par {who}"}, personas[who]
        )
        assert response.status_code == (200 if ok else 403), (who, company.name)
        assert (Company.objects.get(pk=company.pk).offer == f"par {who}") is ok


# Tokens -----------------------------------------------------------------------------------


def test_revoked_token_is_refused_on_reads_and_writes(client, personas):
    manager = personas["manager_a"]
    manager.user.api_tokens.update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/v1/clusters", headers=manager.headers).status_code == 401
    response = _patch(client, "/api/v1/clusters/aero-sud", {"acronym": "X"}, manager)
    assert response.status_code == 401
    assert response.json()["detail"] == "Ce jeton d'API a été révoqué."


def test_token_of_deactivated_user_is_refused(client, personas):
    manager = personas["manager_a"]
    manager.user.is_active = False
    manager.user.save()
    response = _patch(client, "/api/v1/clusters/aero-sud", {"acronym": "X"}, manager)
    assert response.status_code == 401


def test_unknown_token_is_refused(client, personas):
    headers = {"Authorization": "Bearer mst_not-a-real-token"}
    assert client.get("/api/v1/clusters", headers=headers).status_code == 401


def test_companies_page_does_not_reveal_members_of_a_hidden_cluster(client, hidden_cluster):
    visible = ClusterFactory(name="Visible", slug="visible")
    shared = CompanyFactory(name="Adhérente des deux")
    Membership.objects.create(cluster=visible, company=shared)
    Membership.objects.create(cluster=hidden_cluster, company=shared)
    html = client.get("/annuaire/entreprises/", {"cluster": hidden_cluster.slug}).content.decode()
    assert "Adhérente des deux" not in html
    html = client.get("/annuaire/entreprises/", {"cluster": visible.slug}).content.decode()
    assert "Adhérente des deux" in html
