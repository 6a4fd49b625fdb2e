import pytest

from campaigns import services
from surveys.models import Response

pytestmark = pytest.mark.django_db


def _url(token):
    return f"/repondre/{token}/"


def test_answer_page_works_without_an_account(client, tokens):
    response = client.get(_url(tokens["ara"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cluster Lyon" in html and 'name="nb_entreprises"' in html
    # The follow-up is hidden until its condition holds.
    assert 'data-name="types_opportunites"' in html
    item = next(i for i in response.context["items"] if i.get("name") == "types_opportunites")
    assert item["hidden"] and item["relevant"] == "${opportunites} = 'oui'"


def test_unknown_token_is_a_clear_404(client, tokens):
    response = client.get(_url("x" * 43))
    assert response.status_code == 404
    assert client.post(_url("x" * 43) + "brouillon/", {}).json()["detail"]


def test_draft_saves_and_resumes_even_with_refused_values(client, tokens):
    client.post(
        _url(tokens["ara"]),
        {"action": "draft", "cluster_nom": "Cluster Lyon", "nb_entreprises": "-4"},
    )
    invitation = services.invitation_for_token(tokens["ara"])
    assert invitation.draft == {"cluster_nom": "Cluster Lyon", "nb_entreprises": "-4"}
    assert invitation.response.status == Response.Status.DRAFT
    # Only the valid answer reaches the response; the refused one is kept in the draft.
    assert invitation.response.answers == {"cluster_nom": "Cluster Lyon"}
    page = client.get(_url(tokens["ara"])).content.decode()
    assert 'value="-4"' in page and 'value="Cluster Lyon"' in page


def test_submit_with_constraint_error_shows_it_next_to_the_question(client, tokens, valid_answers):
    response = client.post(
        _url(tokens["ara"]), {**valid_answers, "nb_entreprises": "-5", "action": "submit"}
    )
    assert response.status_code == 200
    assert "nb_entreprises" in response.context["errors"]
    item = next(i for i in response.context["items"] if i.get("name") == "nb_entreprises")
    assert item["error"] and item["value"] == "-5"
    invitation = services.invitation_for_token(tokens["ara"])
    assert invitation.response.status == Response.Status.DRAFT


def test_server_refuses_an_answer_to_a_question_its_condition_hides(client, tokens, valid_answers):
    data = {**valid_answers, "opportunites": "non", "action": "submit"}
    response = client.post(_url(tokens["ara"]), data)
    errors = response.context["errors"]
    assert list(errors) == ["types_opportunites"]
    assert services.invitation_for_token(tokens["ara"]).response.status == "draft"


def test_server_requires_required_questions_on_submit_only(client, tokens):
    client.post(_url(tokens["ara"]), {"action": "draft", "difficultes": "fortes"})
    assert services.invitation_for_token(tokens["ara"]).response.answers == {
        "difficultes": "fortes"
    }
    response = client.post(_url(tokens["ara"]), {"action": "submit", "difficultes": "fortes"})
    assert set(response.context["errors"]) == {"cluster_nom", "region", "filiere"}


def test_unknown_choice_is_refused(client, tokens, valid_answers):
    response = client.post(
        _url(tokens["ara"]), {**valid_answers, "region": "99", "action": "submit"}
    )
    assert "region" in response.context["errors"]


def test_valid_submission_is_stored_typed_and_counted(client, tokens, valid_answers):
    response = client.post(_url(tokens["ara"]), {**valid_answers, "action": "submit"})
    assert response.status_code == 302
    stored = services.invitation_for_token(tokens["ara"]).response
    assert stored.status == "submitted" and stored.submitted_at
    assert stored.answers["nb_entreprises"] == 120
    assert stored.answers["types_opportunites"] == ["nouveaux_marches", "relocalisation"]
    assert stored.cluster.name == "Cluster Lyon"


def test_one_submission_per_invitation_editable_until_close(client, tokens, valid_answers):
    url = _url(tokens["ara"])
    client.post(url, {**valid_answers, "action": "submit"})
    client.post(url, {**valid_answers, "nb_entreprises": "130", "action": "submit"})
    assert Response.objects.count() == 1
    assert Response.objects.get().answers["nb_entreprises"] == 130


def test_closed_campaign_shows_a_message_and_refuses_edits(
    client, tokens, valid_answers, open_campaign
):
    url = _url(tokens["ara"])
    client.post(url, {**valid_answers, "action": "submit"})
    services.close(open_campaign)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "close depuis" in html and "<form" not in html.split("<main")[1].split("</main>")[0]
    refused = client.post(url, {**valid_answers, "nb_entreprises": "999", "action": "submit"})
    assert refused.status_code == 403
    assert client.post(url + "brouillon/", {"nb_entreprises": "1"}).status_code == 403
    assert Response.objects.get().answers["nb_entreprises"] == 120


def test_campaign_not_yet_open_says_when_it_opens(client, tokens, open_campaign):
    from datetime import timedelta

    from django.utils import timezone

    open_campaign.opens_at = timezone.now() + timedelta(days=2)
    open_campaign.save()
    html = client.get(_url(tokens["ara"])).content.decode()
    assert "Cette campagne ouvre le" in html


def test_autosave_returns_json_and_keeps_the_draft(client, tokens):
    response = client.post(
        _url(tokens["occ"]) + "brouillon/", {"cluster_nom": "Toulouse", "nb_entreprises": "x"}
    )
    body = response.json()
    assert response.status_code == 200 and body["saved_at"]
    assert "nb_entreprises" in body["errors"]
    assert services.invitation_for_token(tokens["occ"]).draft["nb_entreprises"] == "x"


def test_token_of_one_invitation_cannot_read_or_write_another(client, tokens, valid_answers):
    client.post(_url(tokens["ara"]), {**valid_answers, "action": "submit"})
    other = client.get(_url(tokens["occ"])).content.decode()
    assert "Cluster Lyon" not in other and 'value="120"' not in other
    # Writing through the Toulouse link only ever touches Toulouse's invitation.
    client.post(_url(tokens["occ"]), {**valid_answers, "nb_entreprises": "7", "action": "submit"})
    lyon = services.invitation_for_token(tokens["ara"]).response
    toulouse = services.invitation_for_token(tokens["occ"]).response
    assert lyon.answers["nb_entreprises"] == 120 and lyon.cluster.name == "Cluster Lyon"
    assert toulouse.answers["nb_entreprises"] == 7 and toulouse.cluster.name == "Cluster Toulouse"


def test_html_in_answers_is_escaped_on_the_page(client, tokens):
    client.post(
        _url(tokens["ara"]), {"action": "draft", "cluster_nom": '<script>alert("x")</script>'}
    )
    html = client.get(_url(tokens["ara"])).content.decode()
    assert '<script>alert("x")</script>' not in html and "&lt;script&gt;" in html
