import pytest

from tests.factories import ClusterFactory, MembershipFactory


@pytest.mark.django_db
def test_home_shows_key_figures_computed_from_the_database(client):
    MembershipFactory.create_batch(3, cluster=ClusterFactory(), company__headcount_band="12")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="clusters">1<' in html
    assert 'data-figure="companies">3<' in html
    # 3 companies of 20 to 49 employees, 34.5 each by the band's middle.
    assert 'data-figure="jobs">103<' in html


@pytest.mark.django_db
def test_home_flags_demo_data(client):
    ClusterFactory(is_demo=True)
    assert "données de démonstration" in client.get("/").content.decode()


@pytest.mark.django_db
def test_home_without_demo_data_has_no_demo_banner(client):
    ClusterFactory(is_demo=False)
    assert "données de démonstration" not in client.get("/").content.decode()


def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("No API endpoint")


@pytest.mark.django_db
def test_pages_are_french_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
def test_chosen_language_sticks(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response.headers["Content-Language"] == "en"
