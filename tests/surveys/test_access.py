"""Who sees results, reports and answers: personas against pages, exports and API."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished(barometre_2020):
    barometre_2020.published = False
    barometre_2020.save()
    return barometre_2020


def _pages(slug):
    return [
        reverse("surveys:results", args=[slug]),
        reverse("surveys:report", args=[slug]),
        reverse("surveys:report_pdf", args=[slug]),
        reverse("surveys:export", args=[slug, "resultats.csv"]),
    ]


def test_anonymous_visitor_cannot_see_an_unpublished_barometer(client, unpublished):
    for url in _pages(unpublished.slug):
        assert client.get(url).status_code == 404, url
    assert unpublished.title not in client.get(reverse("surveys:list")).content.decode()


def test_api_answers_403_json_for_unpublished_and_404_json_for_unknown(client, unpublished):
    response = client.get(f"/api/v1/surveys/{unpublished.slug}/results")
    assert response.status_code == 403
    assert "detail" in response.json()
    response = client.get("/api/v1/surveys/inconnu/results")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_signed_in_member_without_operator_role_cannot_see_unpublished(client, unpublished):
    client.force_login(UserFactory(username="membre"))
    assert client.get(reverse("surveys:report", args=[unpublished.slug])).status_code == 404
    assert client.get(f"/api/v1/surveys/{unpublished.slug}/results").status_code == 403


@pytest.mark.parametrize("persona", ["staff", "operator_role"])
def test_operators_see_unpublished_results_everywhere(client, unpublished, persona):
    user = UserFactory(username=persona, is_staff=persona == "staff")
    if persona == "operator_role":
        Role.objects.create(user=user, kind=Role.Kind.OPERATOR)
    client.force_login(user)
    for url in _pages(unpublished.slug):
        assert client.get(url).status_code == 200, url
    api = client.get(f"/api/v1/surveys/{unpublished.slug}/results")
    assert api.status_code == 200
    assert api.json()["respondents"] == 70


def test_everyone_sees_a_published_barometer_and_the_api_matches_the_cli(client, barometre_2020):
    from surveys.results import survey_results

    for url in _pages(barometre_2020.slug):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/api/v1/surveys/{barometre_2020.slug}/results").json() == survey_results(
        barometre_2020, published=True
    )


def test_individual_answers_are_only_for_operators(client, barometre_2020, operator):
    url = reverse("surveys:export", args=[barometre_2020.slug, "reponses.csv"])
    assert client.get(url).status_code == 403
    client.force_login(operator)
    response = client.get(url)
    assert response.status_code == 200
    assert "Cluster répondant 01" in response.content.decode("utf-8-sig")


def test_crosstab_api_rejects_unknown_criteria_with_json(client, barometre_2020):
    url = f"/api/v1/surveys/{barometre_2020.slug}/crosstab"
    assert client.get(url, {"question": "difficultes", "by": "couleur"}).status_code == 400
    assert client.get(url, {"question": "inconnue"}).json()["detail"]
    ok = client.get(url, {"question": "difficultes", "by": "region"}).json()
    assert all(g["respondents"] >= 5 for g in ok["groups"])


def test_results_page_crosstab_form_rejects_bad_input_without_error(client, barometre_2020):
    url = reverse("surveys:results", args=[barometre_2020.slug])
    assert client.get(url, {"question": "x", "par": "y"}).status_code == 400
    response = client.get(url, {"question": "difficultes", "par": "filiere"})
    assert response.status_code == 200
    assert "Secret statistique" in response.content.decode()


def test_operators_edit_publication_and_headlines_in_the_admin(client, barometre_2020):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:surveys_survey_change", args=[barometre_2020.pk]))
    assert page.status_code == 200
    assert "{percent}" in page.content.decode()
    assert client.get(reverse("admin:surveys_response_changelist")).status_code == 200
