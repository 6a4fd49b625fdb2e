import pytest

from accounts.models import Role
from campaigns import services
from campaigns.models import Campaign
from showcase.models import Example
from surveys.models import Response
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def institution(db):
    user = UserFactory(username="region-aura")
    Role.objects.create(user=user, kind=Role.Kind.INSTITUTION, institution="Région")
    return user


def _submit(token, answers):
    invitation = services.invitation_for_token(token)
    return services.save_answers(invitation, answers, submit=True).response


def test_operator_creates_a_campaign_which_invites_the_targeted_clusters(
    client, operator, version, clusters, mailoutbox
):
    client.force_login(operator)
    assert client.get("/campagnes/nouvelle/").status_code == 200
    response = client.post(
        "/campagnes/nouvelle/",
        {
            "title": "Baromètre 2026",
            "version": version.pk,
            "opens_at": "2026-01-01T09:00",
            "closes_at": "2099-01-01T09:00",
            "regions": ["84", "76"],
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == f"/campagnes/{campaign.pk}/"
    assert campaign.invitations.count() == 2 and len(mailoutbox) == 2
    assert campaign.targeting["regions"] == ["84", "76"]


def test_campaign_form_refuses_no_target_and_reversed_dates(client, operator, version):
    client.force_login(operator)
    response = client.post(
        "/campagnes/nouvelle/",
        {
            "title": "x",
            "version": version.pk,
            "opens_at": "2026-02-01T09:00",
            "closes_at": "2026-01-01T09:00",
        },
    )
    form = response.context["form"]
    assert "closes_at" in form.errors and form.non_field_errors()
    assert not Campaign.objects.exists()


def test_dashboard_shows_rates_by_region_and_who_has_not_answered(
    client, operator, open_campaign, tokens, valid_answers
):
    _submit(tokens["ara"], valid_answers)
    client.force_login(operator)
    page = client.get(f"/campagnes/{open_campaign.pk}/")
    assert page.status_code == 200
    stats = page.context["stats"]
    assert (stats["invited"], stats["answered"], stats["rate"]) == (3, 1, 33)
    by_region = {r["label"]: r["rate"] for r in stats["by_region"]}
    assert by_region == {"Auvergne-Rhône-Alpes": 100, "Bretagne": 0, "Occitanie": 0}
    waiting = [i.cluster.name for i in page.context["waiting"]]
    assert waiting == ["Cluster Rennes", "Cluster Toulouse"]
    html = page.content.decode()
    assert 'hx-trigger="every 5s"' in html


def test_live_fragment_follows_new_answers(client, operator, open_campaign, tokens, valid_answers):
    client.force_login(operator)
    before = client.get(f"/campagnes/{open_campaign.pk}/suivi/").context["stats"]["answered"]
    _submit(tokens["occ"], valid_answers)
    after = client.get(f"/campagnes/{open_campaign.pk}/suivi/").context["stats"]["answered"]
    assert (before, after) == (0, 1)


def test_progress_api_for_operators_only(client, operator, open_campaign, tokens, manager_of):
    url = f"/api/v1/campaigns/{open_campaign.pk}/progress"
    assert client.get(url).status_code == 403
    client.force_login(manager_of(open_campaign.invitations.first().cluster))
    denied = client.get(url)
    assert denied.status_code == 403 and denied.json()["detail"]
    client.force_login(operator)
    assert client.get(url).json()["invited"] == 3


def test_operator_button_reminds_and_closes(client, operator, open_campaign, tokens, mailoutbox):
    client.force_login(operator)
    mailoutbox.clear()
    client.post(f"/campagnes/{open_campaign.pk}/relancer/")
    assert len(mailoutbox) == 3
    client.post(f"/campagnes/{open_campaign.pk}/cloturer/")
    open_campaign.refresh_from_db()
    assert open_campaign.closed_at is not None and not open_campaign.is_open()


def test_non_operators_cannot_see_or_drive_campaigns(
    client, open_campaign, tokens, manager_of, institution, settings
):
    # The sign-in page belongs to the accounts branch; point at its address directly.
    settings.LOGIN_URL = "/compte/connexion/"
    manager = manager_of(open_campaign.invitations.first().cluster)
    for user in (manager, institution):
        client.force_login(user)
        for url in ("/campagnes/", f"/campagnes/{open_campaign.pk}/", "/campagnes/nouvelle/"):
            assert client.get(url).status_code == 403, (user, url)
        assert client.post(f"/campagnes/{open_campaign.pk}/cloturer/").status_code == 403
    open_campaign.refresh_from_db()
    assert open_campaign.closed_at is None
    client.logout()
    assert client.get("/campagnes/").url.startswith("/compte/connexion/")


def test_manager_sees_only_their_own_clusters_answers(
    client, open_campaign, tokens, valid_answers, manager_of
):
    lyon = _submit(tokens["ara"], valid_answers)
    toulouse = _submit(tokens["occ"], {**valid_answers, "cluster_nom": "Cluster Toulouse"})
    manager = manager_of(lyon.cluster)
    client.force_login(manager)
    own = client.get(f"/campagnes/reponses/{lyon.pk}/")
    assert own.status_code == 200 and "Cluster Lyon" in own.content.decode()
    assert client.get(f"/campagnes/reponses/{toulouse.pk}/").status_code == 404
    mine = client.get("/campagnes/mes-reponses/").context["invitations"]
    assert [i.cluster.name for i in mine] == ["Cluster Lyon"]


def test_institution_cannot_read_individual_answers(
    client, open_campaign, tokens, valid_answers, institution
):
    lyon = _submit(tokens["ara"], valid_answers)
    client.force_login(institution)
    assert client.get(f"/campagnes/reponses/{lyon.pk}/").status_code == 404
    assert client.get("/campagnes/mes-reponses/").status_code == 403


def test_operator_turns_a_survey_example_into_a_catalogue_entry(
    client, operator, open_campaign, tokens, valid_answers
):
    answers = {
        **valid_answers,
        "exemple_categorie": "masques",
        "exemple_filiere": "Textile",
        "exemple_region": "occitanie",
        "exemple_description": "Fabrication de masques lavables par un atelier de confection",
    }
    response = _submit(tokens["ara"], answers)
    client.force_login(operator)
    listing = client.get("/exemples/depuis-les-reponses/")
    assert [r["response"].pk for r in listing.context["rows"]] == [response.pk]
    first = client.post(f"/exemples/depuis-les-reponses/{response.pk}/")
    client.post(f"/exemples/depuis-les-reponses/{response.pk}/")
    example = Example.objects.get()
    assert first.status_code == 302 and first.url == f"/exemples/{example.pk}/"
    assert (example.status, example.provenance) == ("submitted", "survey")
    assert example.cluster.name == "Cluster Lyon" and example.category == "masques"
    assert example.title == "Fabrication de masques lavables par un atelier de confection"
    assert list(example.regions.values_list("code", flat=True)) == ["76"]


def test_manager_cannot_turn_answers_into_examples(
    client, open_campaign, tokens, valid_answers, manager_of
):
    response = _submit(
        tokens["ara"],
        {
            **valid_answers,
            "exemple_categorie": "masques",
            "exemple_description": "Un exemple assez long pour passer",
        },
    )
    client.force_login(manager_of(response.cluster))
    assert client.post(f"/exemples/depuis-les-reponses/{response.pk}/").status_code == 403
    assert not Example.objects.exists()
    assert Response.objects.count() == 1


def test_institution_sees_barometer_results_only_once_published(
    client, open_campaign, tokens, valid_answers, institution
):
    _submit(tokens["ara"], valid_answers)
    survey = open_campaign.survey
    client.force_login(institution)
    report = f"/barometres/{survey.slug}/rapport/"
    assert client.get(report).status_code == 404
    survey.published = True
    survey.save()
    assert client.get(report).status_code == 200
