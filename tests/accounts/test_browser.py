"""Login page and account page (token creation and revocation) in Chromium."""

import re

import pytest

from accounts.models import ApiToken, Role
from tests.factories import ClusterFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def test_login_shows_a_clear_message_then_token_is_created_once(page, screenshot):
    user = UserFactory(username="anne", email="anne@example.org")
    Role.objects.create(user=user, kind=Role.Kind.MANAGER, cluster=ClusterFactory(name="Aéro Sud"))
    page.goto("/compte/connexion/")
    assert page.title().startswith("Connexion")
    screenshot(page, "login")

    page.fill("input[name=username]", "anne")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert "Identifiant ou mot de passe incorrect" in page.inner_text("[role=alert]")
    screenshot(page, "login-failed")

    page.fill("input[name=username]", "anne")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto("/compte/")
    assert "Aéro Sud" in page.inner_text("main")

    page.fill("input[name=name]", "script d'import")
    page.click("text=Créer un jeton")
    raw = page.inner_text("[data-testid=new-token]")
    assert re.fullmatch(r"mst_[\w-]{40,}", raw)
    assert ApiToken.objects.get(user=user).digest == ApiToken.hash(raw)
    screenshot(page, "account-new-token")

    page.reload()
    assert page.locator("[data-testid=new-token]").count() == 0
    page.click("text=Révoquer")
    assert "Le jeton a été révoqué." in page.inner_text("body")
    screenshot(page, "account-revoked")
    assert page.js_errors == []
