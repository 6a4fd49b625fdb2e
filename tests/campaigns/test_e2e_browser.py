"""The issue's end-to-end path, in a browser: import the 2020 questionnaire, invite
three clusters, answer through a token (skip logic and a constraint error), close the
campaign and open the report."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from activities.models import Filiere
from directory.models import Contact
from surveys.models import Response
from surveys.services import import_form
from territories.models import Commune
from tests.factories import ClusterFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-For-tests-42"
MOBILE = {"width": 390, "height": 844}


def _login(page, live_server, user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _clusters():
    mecanique = Filiere.objects.get(
        slug="mecatronique-robotique-microtechniques-mecanique-metallurgie"
    )
    sante = Filiere.objects.get(slug="sante-biotechnologies-bien-etre")
    out = []
    for name, code, filiere in (
        ("Cluster Lumière Lyon", "69123", mecanique),
        ("Pôle Santé Toulouse", "31555", sante),
        ("Cluster Aéro Bordeaux", "33063", mecanique),
    ):
        cluster = ClusterFactory(name=name, commune=Commune.objects.get(code=code))
        cluster.main_filiere = filiere
        cluster.save()
        Contact.objects.create(cluster=cluster, name="Contact", email=f"{cluster.slug}@ex.org")
        out.append(cluster)
    # Outside the targeted régions: must not be invited.
    ClusterFactory(name="Cluster Lille", commune=Commune.objects.get(code="59350"))
    return out


def test_barometer_campaign_end_to_end(browser, page, live_server, screenshot, reference):
    path = Path(os.environ["MAPSTER_FIXTURES_DIR"]) / "barometre-2020" / "questionnaire.xlsx"
    imported = import_form(path.read_bytes(), path.name, slug="barometre-2020")
    assert imported.action == "created"
    lyon, toulouse, bordeaux = _clusters()
    operator = UserFactory(username="operatrice", is_staff=True, password=PASSWORD)
    mail.outbox = []

    # The operator creates the campaign for three régions.
    _login(page, live_server, operator)
    page.goto("/campagnes/nouvelle/")
    page.fill("#id_title", "Baromètre des clusters 2026")
    page.select_option("#id_version", str(imported.version.pk))
    page.select_option("#id_regions", ["84", "76", "75"])
    screenshot(page, "01-create")
    page.click("button:has-text('Créer et envoyer les invitations')")
    page.wait_for_selector("text=3 invitation(s) créée(s), 3 e-mail(s) envoyé(s)")
    dashboard_url = page.url
    page.wait_for_function("document.body.dataset.chartsReady === '1'")
    assert page.inner_text("#rate") == "0 %"
    screenshot(page, "02-dashboard-empty")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{c.slug}@ex.org" for c in (lyon, toulouse, bordeaux)
    )
    lyon_mail = next(m for m in mail.outbox if m.to[0] == f"{lyon.slug}@ex.org")
    token = re.search(r"/repondre/([A-Za-z0-9_-]+)/", lyon_mail.body).group(1)

    # The cluster manager answers on a phone, without an account.
    phone = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=MOBILE)
    answer = phone.new_page()
    answer.set_default_timeout(15_000)
    js_errors = []
    answer.on("pageerror", lambda exc: js_errors.append(str(exc)))
    answer.goto(f"/repondre/{token}/")
    assert answer.is_hidden("#q-types_opportunites")
    screenshot(answer, "03-answer-empty-mobile")
    answer.fill("#q-cluster_nom-input", "Cluster Lumière Lyon")
    answer.select_option("#q-region-input", "84")
    answer.select_option("#q-filiere-input", "mecanique")
    answer.fill("#q-nb_entreprises-input", "-5")
    # The constraint ". >= 0" fails in the page, next to the question, as soon as typed.
    answer.wait_for_selector("#q-nb_entreprises-error", state="visible")
    answer.check("#q-difficultes-1")
    # Skip logic: "oui" to opportunities shows the follow-up, "non" hides it again.
    answer.check("#q-opportunites-0")
    answer.wait_for_selector("#q-types_opportunites", state="visible")
    answer.check("#q-types_opportunites-0")
    answer.check("#q-types_opportunites-2")
    answer.check("#q-relocalisation-1")
    assert answer.is_hidden("#q-secteurs_relocalisation")
    assert answer.is_visible("#q-nb_entreprises-error")
    screenshot(answer, "04-answer-constraint-error")
    answer.click("button[value=submit]")
    assert answer.is_visible("#q-nb_entreprises-error")
    assert not Response.objects.filter(status="submitted").exists()

    # The background save (fetch, CSRF header) has already kept the draft.
    answer.wait_for_selector("#answer-form[data-autosaved='1']")
    from campaigns.models import Invitation

    draft = Invitation.objects.get(cluster=lyon).draft
    assert draft["nb_entreprises"] == "-5" and draft["opportunites"] == "oui"

    # Save the draft, come back later with the same link: everything is there.
    answer.click("button[value=draft]")
    answer.wait_for_selector("text=Brouillon enregistré")
    answer.goto(f"/repondre/{token}/")
    assert answer.input_value("#q-nb_entreprises-input") == "-5"
    assert answer.is_checked("#q-types_opportunites-2")
    screenshot(answer, "05-draft-resumed")

    # The server is the authority: a forged submission of the bad value is refused too.
    answer.evaluate(
        "document.getElementById('answer-form').setAttribute('novalidate', '');"
        "document.querySelector('#q-nb_entreprises').dataset.constraint = '';"
    )
    answer.click("button[value=submit]")
    answer.wait_for_selector("#error-summary")
    assert answer.is_visible("#q-nb_entreprises-error")
    screenshot(answer, "06-server-constraint-error")

    answer.fill("#q-nb_entreprises-input", "120")
    answer.click("button[value=submit]")
    answer.wait_for_selector("#submitted-banner")
    screenshot(answer, "07-submitted")
    stored = Response.objects.get(status="submitted")
    assert stored.answers["types_opportunites"] == ["nouveaux_marches", "relocalisation"]
    assert stored.answers["nb_entreprises"] == 120
    assert "secteurs_relocalisation" not in stored.answers
    assert js_errors == []

    # The dashboard follows live (HTMX polling) and the operator closes the campaign.
    page.goto(dashboard_url)
    page.wait_for_function("document.getElementById('rate').textContent.trim() === '33 %'")
    page.wait_for_function("document.body.dataset.chartsReady === '1'")
    assert "Cluster Aéro Bordeaux" in page.inner_text("#waiting")
    assert "Cluster Lumière Lyon" not in page.inner_text("#waiting")
    screenshot(page, "08-dashboard-one-answer")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Clôturer la campagne')")
    page.wait_for_selector("text=Campagne clôturée")
    screenshot(page, "09-closed")

    # The link now says the campaign is closed and offers no form.
    answer.goto(f"/repondre/{token}/")
    assert "close depuis" in answer.inner_text("#campaign-state")
    assert answer.locator("#answer-form").count() == 0
    screenshot(answer, "10-answer-after-close")
    phone.close()

    # The report of the barometer.
    page.goto("/barometres/barometre-2020/rapport/")
    assert "1 réponse reçue" in page.inner_text("main")
    screenshot(page, "11-report")
    assert page.js_errors == []
