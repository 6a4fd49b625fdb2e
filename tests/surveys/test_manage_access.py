"""Only operators manage barometers: every other persona is refused every page and POST."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from surveys.models import HeadlineFigure, Survey
from tests.factories import ClusterFactory, UserFactory
from tests.fixtures.surveys import build_xlsform

pytestmark = pytest.mark.django_db


@pytest.fixture
def figure(small_survey):
    return HeadlineFigure.objects.create(
        survey=small_survey, question="difficultes", choice="oui", template="{percent}%"
    )


def _urls(survey, figure):
    slug = survey.slug
    return [
        reverse("surveys:manage_index"),
        reverse("surveys:manage", args=[slug]),
        reverse("surveys:manage_upload", args=[slug]),
        reverse("surveys:manage_version", args=[slug, 1]),
        reverse("surveys:manage_version_download", args=[slug, 1, "questionnaire"]),
        reverse("surveys:manage_version_download", args=[slug, 1, "original"]),
        reverse("surveys:manage_answers_check", args=[slug]),
        reverse("surveys:manage_answers_apply", args=[slug]),
        reverse("surveys:manage_rejects", args=[slug, f"{slug}-x-rejets.csv"]),
        reverse("surveys:manage_headline_new", args=[slug]),
        reverse("surveys:manage_headline_preview", args=[slug]),
        reverse("surveys:manage_headline", args=[slug, figure.pk]),
        reverse("surveys:manage_headline_delete", args=[slug, figure.pk]),
        reverse("surveys:manage_publication", args=[slug]),
    ]


def _persona(kind):
    if kind == "anonymous":
        return None
    user = UserFactory(username=kind)
    if kind == "cluster_manager":
        Role.objects.create(user=user, kind=Role.Kind.MANAGER, cluster=ClusterFactory())
    elif kind == "institution":
        Role.objects.create(user=user, kind=Role.Kind.INSTITUTION, institution="Région Occitanie")
    elif kind == "company":
        Role.objects.create(user=user, kind=Role.Kind.COMPANY)
    return user


def _refused(response, anonymous: bool) -> bool:
    """403 for signed-in non-operators; anonymous visitors go to the login page."""
    if anonymous and response.status_code == 302:
        return response["Location"].startswith(reverse("accounts:login"))
    return response.status_code == 403


@pytest.mark.parametrize(
    "kind", ["anonymous", "cluster_manager", "institution", "company", "member"]
)
def test_non_operators_get_403_on_every_management_url_and_post(client, small_survey, figure, kind):
    user = _persona(kind)
    if user:
        client.force_login(user)
    post_data = {
        "file": SimpleUploadedFile("q.xlsx", build_xlsform()),
        "published": "1",
        "confirm": "yes",
        "target": "difficultes::non",
        "template": "{percent} piraté",
        "rounding": "0",
        "decimal_separator": ",",
        "order": "1",
        "token": "A" * 32,
    }
    for url in _urls(small_survey, figure):
        assert _refused(client.get(url), user is None), ("GET", url)
        post_data["file"].seek(0)
        assert _refused(client.post(url, post_data), user is None), ("POST", url)
    small_survey.refresh_from_db()
    assert not small_survey.published
    assert small_survey.versions.count() == 1
    figure.refresh_from_db()
    assert figure.template == "{percent}%"
    assert Survey.objects.count() == 1


def test_a_new_survey_upload_by_a_cluster_manager_creates_nothing(client, db):
    client.force_login(_persona("cluster_manager"))
    response = client.post(
        reverse("surveys:manage_index"), {"file": SimpleUploadedFile("q.xlsx", build_xlsform())}
    )
    assert response.status_code == 403
    assert not Survey.objects.exists()


@pytest.mark.parametrize("persona", ["staff", "operator_role"])
def test_operators_reach_every_management_page(client, small_survey, figure, persona):
    user = UserFactory(username=persona, is_staff=persona == "staff")
    if persona == "operator_role":
        Role.objects.create(user=user, kind=Role.Kind.OPERATOR)
    client.force_login(user)
    for name, args in [
        ("surveys:manage_index", []),
        ("surveys:manage", [small_survey.slug]),
        ("surveys:manage_version", [small_survey.slug, 1]),
        ("surveys:manage_version_download", [small_survey.slug, 1, "questionnaire"]),
        ("surveys:manage_headline_new", [small_survey.slug]),
        ("surveys:manage_headline", [small_survey.slug, figure.pk]),
        ("surveys:manage_publication", [small_survey.slug]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_management_link_is_shown_to_operators_only(client, small_survey, operator):
    link = reverse("surveys:manage_index")
    assert link not in client.get(reverse("surveys:list")).content.decode()
    client.force_login(operator)
    assert link in client.get(reverse("surveys:list")).content.decode()
