import pytest

from showcase.models import Example
from showcase.services import load_2020
from tests.factories import ClusterFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(regions, seed_csv):
    load_2020(seed_csv)


def _titles(response):
    return [e.title for e in response.context["page"]]


def test_catalogue_lists_only_published_examples(client, seeded):
    Example.objects.create(title="Brouillon secret", description="x" * 30, status="submitted")
    response = client.get("/exemples/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 24
    assert "Brouillon secret" not in response.content.decode()


def test_catalogue_filters_by_region_filiere_theme_and_category(client, seeded):
    assert len(_titles(client.get("/exemples/?region=53"))) == 1
    hdf = client.get("/exemples/?region=32").context["page"].paginator.count
    assert hdf == 3
    sante = client.get("/exemples/?filiere=sante-biotechnologies-bien-etre")
    # Santé ×3, Biotechnologies et Génomique, Sports Outdoor Santé Bien-être.
    assert sante.context["page"].paginator.count == 5
    assert client.get("/exemples/?theme=relocalisation").context["page"].paginator.count == 3
    assert client.get("/exemples/?category=masques").context["page"].paginator.count == 2
    both = client.get("/exemples/?region=84&category=masques")
    assert both.context["page"].paginator.count == 2


def test_catalogue_search_matches_words_of_the_description(client, seeded):
    titles = _titles(client.get("/exemples/?q=click"))
    assert len(titles) == 2


def test_detail_shows_unmapped_region_flag(client, seeded):
    example = Example.objects.get(region_unmapped=True)
    html = client.get(f"/exemples/{example.pk}/").content.decode()
    assert "région non reconnue" in html and "silver économie et santé" in html


def test_unpublished_example_is_hidden_from_the_public(client):
    example = Example.objects.create(title="En attente", description="d" * 30, status="submitted")
    assert client.get(f"/exemples/{example.pk}/").status_code == 404
    assert client.get(f"/api/v1/examples/{example.pk}").status_code == 404


def test_api_lists_with_filters_and_locations(client, seeded):
    data = client.get("/api/v1/examples?region=53").json()
    assert data["count"] == 1
    (example,) = data["items"]
    assert example["regions"] == ["53"]
    (loc,) = example["locations"]
    # Bretagne's centroid lies in Brittany.
    assert 47.3 < loc["lat"] < 48.9 and -5.2 < loc["lon"] < -1.0
    two = client.get("/api/v1/examples?q=Boitier").json()["items"][0]
    assert len(two["locations"]) == 2


def test_api_detail_and_404_json(client, seeded):
    example = Example.objects.get(region_label="Bretagne")
    assert client.get(f"/api/v1/examples/{example.pk}").json()["title"] == example.title
    missing = client.get("/api/v1/examples/999999")
    assert missing.status_code == 404 and "detail" in missing.json()
    bad = client.get("/api/v1/examples?page_size=abc")
    assert bad.status_code == 422 and bad.json()["detail"]
    assert client.get("/api/v1/examples?page_size=5000").status_code == 422


def test_api_pages_like_the_directory(client, seeded, settings):
    settings.MAPSTER_API_PAGE_SIZE = 5
    data = client.get("/api/v1/examples").json()
    assert (data["count"], data["pages"], data["page_size"]) == (24, 5, 5)
    assert len(client.get("/api/v1/examples?page=5").json()["items"]) == 4
    assert client.get("/api/v1/examples?page=9").json()["items"] == []
    assert len(client.get("/api/v1/examples?page_size=100").json()["items"]) == 24


def test_example_of_a_cluster_is_placed_at_its_commune(client, regions):
    cluster = ClusterFactory()
    example = Example.objects.create(
        title="Au cluster", description="d" * 30, status="published", cluster=cluster
    )
    (loc,) = client.get(f"/api/v1/examples/{example.pk}").json()["locations"]
    assert (loc["lat"], loc["lon"]) == (cluster.commune.lat, cluster.commune.lon)


def test_manager_submits_a_sanitised_example_awaiting_moderation(client, manager, regions):
    client.force_login(manager)
    response = client.post(
        "/exemples/proposer/",
        {
            "cluster": manager.managed_cluster.pk,
            "title": "",
            "description": "Atelier <script>alert(1)</script>partagé de <b>découpe laser</b> "
            "pour les adhérents",
            "category": "nouveaux_marches",
            "filiere_label": "Mécanique",
            "region_label": "Occitanie",
            "themes": ["nouveauxmarches"],
        },
    )
    example = Example.objects.get()
    assert response.status_code == 302
    assert example.status == "submitted" and example.provenance == "manager"
    assert example.submitted_by == manager
    assert "<" not in example.description and "alert" not in example.description
    assert example.title.startswith("Atelier partagé de découpe laser")
    assert list(example.regions.values_list("code", flat=True)) == ["76"]
    # The author sees their proposal; the public does not.
    assert client.get(example.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(example.get_absolute_url()).status_code == 404


def test_manager_cannot_submit_for_another_cluster(client, manager):
    other = ClusterFactory()
    client.force_login(manager)
    response = client.post(
        "/exemples/proposer/",
        {"cluster": other.pk, "description": "d" * 40, "category": "autre"},
    )
    assert response.status_code == 200 and "cluster" in response.context["form"].errors
    assert not Example.objects.exists()


def test_user_without_a_cluster_cannot_submit(client, db):
    client.force_login(UserFactory())
    assert client.get("/exemples/proposer/").status_code == 403


def test_operator_publishes_and_rejects_in_moderation_page(client, operator):
    a = Example.objects.create(title="A", description="a" * 30, status="submitted")
    b = Example.objects.create(title="B", description="b" * 30, status="submitted")
    client.force_login(operator)
    assert "A" in _moderation_titles(client)
    client.post(f"/exemples/{a.pk}/moderer/", {"decision": "publish"})
    client.post(f"/exemples/{b.pk}/moderer/", {"decision": "reject", "note": "Doublon"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.moderated_by) == ("published", operator)
    assert (b.status, b.moderation_note) == ("rejected", "Doublon")
    assert client.get("/exemples/").context["page"].paginator.count == 1


def _moderation_titles(client):
    return [e.title for e in client.get("/exemples/moderation/").context["pending"]]


def test_manager_cannot_moderate(client, manager):
    example = Example.objects.create(title="A", description="a" * 30, status="submitted")
    client.force_login(manager)
    assert client.get("/exemples/moderation/").status_code == 403
    assert client.post(f"/exemples/{example.pk}/moderer/", {"decision": "publish"}).status_code == (
        403
    )
    example.refresh_from_db()
    assert example.status == "submitted"


def test_admin_action_publishes(client, operator):
    operator.is_superuser = True
    operator.save()
    example = Example.objects.create(title="A", description="a" * 30, status="submitted")
    client.force_login(operator)
    client.post(
        "/admin/showcase/example/",
        {"action": "publish", "_selected_action": [example.pk]},
    )
    example.refresh_from_db()
    assert example.status == "published"
