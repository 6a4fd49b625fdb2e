"""A cluster manager edits their own cluster's profile; nobody else's."""

import pytest

from accounts.models import Role
from directory.models import AuditEntry, Contact
from tests.factories import ClusterFactory, FiliereFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clusters(db):
    return ClusterFactory(slug="aero", name="Aéro"), ClusterFactory(slug="bois", name="Bois")


def manager_of(cluster):
    user = UserFactory()
    Role.objects.create(user=user, kind=Role.Kind.MANAGER, cluster=cluster)
    return user


def form_data(**overrides):
    data = {
        "description": "Le réseau des entreprises de l'aéronautique.",
        "website": "https://aero.example.org",
        "filieres": [FiliereFactory().slug],
        "labels": ["france-clusters"],
        "contact_name": "Camille Martin",
        "contact_role": "Chargée de mission",
        "contact_email": "camille@aero.example.org",
        "contact_phone": "05 61 00 00 00",
    }
    data.update(overrides)
    return data


def test_manager_edits_own_cluster_and_each_change_is_audited(client, clusters):
    aero, _ = clusters
    user = manager_of(aero)
    client.force_login(user)
    assert client.get("/annuaire/aero/modifier/").status_code == 200
    response = client.post("/annuaire/aero/modifier/", form_data())
    assert response.status_code == 302 and response["Location"] == "/annuaire/aero/"
    aero.refresh_from_db()
    assert aero.website == "https://aero.example.org"
    assert aero.labels == ["france-clusters"]
    assert list(aero.filieres.values_list("slug", flat=True)) == [FiliereFactory().slug]
    contact = Contact.objects.get(cluster=aero)
    assert contact.email == "camille@aero.example.org"
    entries = AuditEntry.objects.filter(cluster=aero, user=user)
    update = entries.get(object_type="cluster", action="update")
    assert update.changes["website"] == ["", "https://aero.example.org"]
    assert update.changes["labels"] == [[], ["france-clusters"]]
    assert entries.filter(object_type="contact", action="create").exists()


def test_saving_without_changes_records_nothing(client, clusters):
    aero, _ = clusters
    client.force_login(manager_of(aero))
    client.post("/annuaire/aero/modifier/", form_data())
    count = AuditEntry.objects.count()
    client.post("/annuaire/aero/modifier/", form_data())
    assert AuditEntry.objects.count() == count


def test_manager_cannot_edit_other_cluster(client, clusters):
    aero, bois = clusters
    client.force_login(manager_of(aero))
    assert client.get("/annuaire/bois/modifier/").status_code == 403
    assert client.post("/annuaire/bois/modifier/", form_data()).status_code == 403
    bois.refresh_from_db()
    assert bois.website == ""
    assert not AuditEntry.objects.exists()


def test_anonymous_visitor_is_sent_to_login(client, clusters):
    response = client.get("/annuaire/aero/modifier/")
    assert response.status_code == 302 and "next=/annuaire/aero/modifier/" in response["Location"]


def test_company_user_cannot_edit_a_cluster(client, clusters):
    user = UserFactory()
    Role.objects.create(user=user, kind=Role.Kind.COMPANY)
    client.force_login(user)
    assert client.get("/annuaire/aero/modifier/").status_code == 403


def test_operator_edits_any_cluster(client, clusters):
    client.force_login(UserFactory(is_staff=True))
    assert client.post("/annuaire/bois/modifier/", form_data()).status_code == 302


def test_description_markup_is_reduced_to_text(client, clusters):
    aero, _ = clusters
    client.force_login(manager_of(aero))
    client.post(
        "/annuaire/aero/modifier/",
        form_data(description='<p onclick="x()">Bonjour <script>alert(1)</script><b>tous</b></p>'),
    )
    aero.refresh_from_db()
    assert aero.description == "Bonjour tous"
    html = client.get("/annuaire/aero/").content.decode()
    assert "<script>alert(1)" not in html


def test_invalid_website_is_reported_and_nothing_saved(client, clusters):
    aero, _ = clusters
    client.force_login(manager_of(aero))
    response = client.post("/annuaire/aero/modifier/", form_data(website="pas une adresse"))
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    aero.refresh_from_db()
    assert aero.website == ""


def test_unknown_label_is_refused(client, clusters):
    aero, _ = clusters
    client.force_login(manager_of(aero))
    response = client.post("/annuaire/aero/modifier/", form_data(labels=["fake-label"]))
    assert response.status_code == 200
    aero.refresh_from_db()
    assert aero.labels == []
