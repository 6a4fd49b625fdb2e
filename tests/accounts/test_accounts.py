import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from accounts import permissions
from accounts.models import ApiToken, Invitation, Role
from tests.factories import ClusterFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/compte/connexion/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_then_account_page_lists_roles(client):
    user = UserFactory()
    cluster = ClusterFactory(name="Aéro Sud")
    Role.objects.create(user=user, kind=Role.Kind.MANAGER, cluster=cluster)
    assert _login(client, user.username, PASSWORD).status_code == 302
    page = client.get("/compte/").content.decode()
    assert "Animateur de cluster · Aéro Sud" in page


def test_account_page_requires_login(client):
    response = client.get("/compte/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/")


def test_five_failures_lock_the_username_from_that_address(client):
    user = UserFactory()
    for _ in range(5):
        assert (
            "Identifiant ou mot de passe incorrect"
            in _login(client, user.username, "wrong").content.decode()
        )
    locked = _login(client, user.username, PASSWORD)
    assert locked.status_code == 200
    assert "Trop de tentatives" in locked.content.decode()
    # Another address is not locked out by the attacker's failures.
    assert _login(client, user.username, PASSWORD, ip="10.0.0.2").status_code == 302


def test_success_resets_the_failure_count(client):
    user = UserFactory()
    for _ in range(4):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_token_is_shown_once_and_only_its_hash_is_stored(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/compte/jetons/", {"name": "script"})
    first = client.get("/compte/").content.decode()
    raw = re.search(r'data-testid="new-token">(mst_[\w-]+)<', first).group(1)
    assert raw not in client.get("/compte/").content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.digest == ApiToken.hash(raw) and raw not in token.digest
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/clusters", headers=auth).status_code == 200


def test_revoked_token_gets_401_with_reason(client):
    user = UserFactory()
    token, raw = ApiToken.issue(user, "x")
    client.force_login(user)
    client.post(f"/compte/jetons/{token.pk}/revoquer/")
    client.logout()
    response = client.get("/api/v1/clusters", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Ce jeton d'API a été révoqué."


def test_api_token_errors_follow_accept_language_and_are_french_without_it(client):
    bad = {"Authorization": "Bearer mst_nothing-like-this"}
    english = client.get("/api/v1/clusters", headers={**bad, "Accept-Language": "en-GB,en;q=0.8"})
    assert english.status_code == 401
    assert english.json()["detail"] == "Unknown API token."
    assert english["Content-Language"] == "en"
    assert "Accept-Language" in english["Vary"]
    french = client.get("/api/v1/clusters", headers=bad)
    assert french.json()["detail"] == "Jeton d'API inconnu."
    assert french["Content-Language"] == "fr"
    # A language the site does not speak falls back to French, as does a refused one.
    for header in ("de-DE,de;q=0.9", "en;q=0"):
        response = client.get("/api/v1/clusters", headers={**bad, "Accept-Language": header})
        assert response.json()["detail"] == "Jeton d'API inconnu."
    write = client.patch(
        "/api/v1/clusters/x", {}, content_type="application/json", headers={"Accept-Language": "en"}
    )
    assert write.status_code == 401
    assert write.json()["detail"] == (
        "Authentication required: header “Authorization: Bearer <token>” "
        "(tokens are created on /compte/)."
    )


def test_user_cannot_revoke_someone_elses_token(client):
    token, _raw = ApiToken.issue(UserFactory(), "x")
    client.force_login(UserFactory())
    client.post(f"/compte/jetons/{token.pk}/revoquer/")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(email="anne@example.org")
    client.post("/compte/mot-de-passe/", {"email": "anne@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/compte/mot-de-passe/\S+/)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a new long passphrase")


def _invite(client, **data):
    operator = UserFactory(is_staff=True)
    client.force_login(operator)
    return client.post("/compte/invitations/", data)


def test_operator_invites_a_manager_who_sets_a_password(client, settings):
    settings.SITE_URL = "http://testserver"
    cluster = ClusterFactory()
    _invite(client, email="Zoe@Example.org", kind="manager", cluster=cluster.pk)
    client.logout()
    invitation = Invitation.objects.get()
    raw = re.search(r"/compte/invitation/([\w-]+)/", mail.outbox[0].body).group(1)
    assert invitation.digest == ApiToken.hash(raw)
    url = f"/compte/invitation/{raw}/"
    accepted = client.post(
        url, {"new_password1": "a long pass phrase", "new_password2": "a long pass phrase"}
    )
    assert accepted.status_code == 302
    user = Invitation.objects.get().user
    assert user.email == "zoe@example.org" and user.check_password("a long pass phrase")
    assert permissions.can_edit_cluster(user, cluster)
    # Single use.
    client.logout()
    assert client.get(url).status_code == 404


def test_expired_invitation_is_refused(client):
    _invite(client, email="z@example.org", kind="institution", institution="DGE")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    raw = re.search(r"/compte/invitation/([\w-]+)/", mail.outbox[0].body).group(1)
    client.logout()
    response = client.get(f"/compte/invitation/{raw}/")
    assert response.status_code == 404
    assert "plus valable" in response.content.decode()


def test_only_operators_may_invite(client):
    client.force_login(UserFactory())
    assert client.get("/compte/invitations/").status_code == 403


def test_manager_invitation_without_cluster_is_refused(client):
    response = _invite(client, email="z@example.org", kind="manager")
    assert response.status_code == 200
    assert "Choisissez le cluster" in response.content.decode()
    assert not Invitation.objects.exists()


def test_admin_lists_audit_entries_and_directory_models(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        "/admin/directory/cluster/",
        "/admin/directory/company/",
        "/admin/directory/establishment/",
        "/admin/directory/membership/",
        "/admin/directory/contact/",
        "/admin/directory/auditentry/",
        "/admin/accounts/role/",
        "/admin/accounts/apitoken/",
        "/admin/accounts/invitation/",
    ):
        assert client.get(url + "?q=x").status_code == 200, url


def test_admin_changes_are_audited(client):
    from directory.models import AuditEntry

    cluster = ClusterFactory(name="Avant")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = {}
    data.update(
        {
            "name": "Après",
            "slug": cluster.slug,
            "kind": cluster.kind,
            "visibility": cluster.visibility,
            "provenance": cluster.provenance,
            "labels": "[]",
            "commune": cluster.commune_id,
            "contacts-TOTAL_FORMS": 0,
            "contacts-INITIAL_FORMS": 0,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        }
    )
    response = client.post(f"/admin/directory/cluster/{cluster.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(cluster=cluster)
    assert entry.changes["admin"]["name"] == "Après"
