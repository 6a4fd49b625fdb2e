"""The directory, profiles, map, editing and import in headless Chromium.

Every page is screenshotted to var/screenshots/ (see tests/fixtures/browser.py).
"""

import re

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role
from tests.directory.scene import scene_fixture  # noqa: F401 (the "scene" fixture)
from tests.factories import UserFactory
from tests.fixtures.directory import make_siret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(reference, scene):
    """Real régions and départements (boundaries for the choropleth) plus the scene."""
    return scene


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def result_slugs(page):
    return page.locator("[data-cluster]").evaluate_all("els => els.map(e => e.dataset.cluster)")


def test_search_box_filters_clusters_and_keeps_the_state_in_the_url(page, world, screenshot):
    page.goto("/annuaire/")
    screenshot(page, "directory")
    assert sorted(result_slugs(page)) == ["aerospace-valley", "agri-sud", "grappe-bois"]
    page.get_by_label("Rechercher un cluster").fill("aeronautique")
    page.wait_for_url(re.compile(r"q=aeronautique"))
    page.wait_for_function("document.querySelectorAll('[data-cluster]').length === 1")
    assert result_slugs(page) == ["aerospace-valley"]
    assert page.locator("#results-title").inner_text() == "1 cluster"
    screenshot(page, "search")
    # Reloading the URL gives the same state: the URL is the whole state.
    page.reload()
    assert result_slugs(page) == ["aerospace-valley"]
    assert page.get_by_label("Rechercher un cluster").input_value() == "aeronautique"
    assert page.js_errors == []


def test_facets_filter_and_show_the_demo_badge(page, world, screenshot):
    page.goto("/annuaire/")
    demo = page.locator('[data-cluster="grappe-bois"] .badge-demo')
    assert demo.inner_text() == "démo"
    page.locator('[data-facet="region"] input[value="76"]').check()
    page.wait_for_url(re.compile(r"region=76"))
    page.wait_for_function("document.querySelectorAll('[data-cluster]').length === 2")
    assert sorted(result_slugs(page)) == ["aerospace-valley", "agri-sud"]
    # The kind facet now counts Occitanie's clusters only.
    pole_count = page.locator('[data-facet="kind"] input[value="pole"] ~ .count')
    assert pole_count.inner_text() == "1"
    screenshot(page, "region-facet")
    assert page.js_errors == []


def test_new_user_finds_aeronautics_poles_in_occitanie_and_exports_members(page, world, screenshot):
    page.goto("/annuaire/")
    page.locator('[data-facet="kind"] input[value="pole"]').check()
    page.wait_for_url(re.compile(r"kind=pole"))
    page.locator('[data-facet="region"] input[value="76"]').check()
    page.wait_for_url(re.compile(r"region=76"))
    page.get_by_label("Rechercher un cluster").fill("aéronautique")
    page.wait_for_url(re.compile(r"q=a%C3%A9ronautique"))
    page.wait_for_function("document.querySelectorAll('[data-cluster]').length === 1")
    screenshot(page, "found")
    page.get_by_role("link", name="Aerospace Valley").click()
    page.wait_for_url("**/annuaire/aerospace-valley/")
    page.wait_for_selector("#cluster-map[data-ready='1']")
    assert page.locator("#cluster-map").get_attribute("data-members") == "2"
    screenshot(page, "profile")
    with page.expect_download() as info:
        page.locator('#members a[data-export="csv"]').click()
    download = info.value
    assert download.suggested_filename == "membres-aerospace-valley.csv"
    text = open(download.path(), encoding="utf-8-sig").read()
    assert "Avions du Sud" in text and "Moteurs Colomiers" in text
    assert page.js_errors == []


def test_company_profile_shows_a_small_map(page, world, screenshot):
    page.goto(f"/entreprises/{world['airbus'].siren}/")
    page.wait_for_selector("#company-map[data-ready='1']")
    assert page.locator("h1").inner_text() == "Avions du Sud"
    screenshot(page)
    assert page.js_errors == []


def test_map_draws_choropleth_markers_and_territoires(page, world, screenshot):
    page.goto("/carte/")
    page.wait_for_selector("#map[data-ready='1']")
    el = page.locator("#map")
    assert int(el.get_attribute("data-choropleth")) >= 13
    assert el.get_attribute("data-members") == "4"
    assert el.get_attribute("data-clusters") == "3"
    # Markers are drawn: the three Toulouse-area members are grouped in one cluster icon.
    page.wait_for_selector(".marker-cluster")
    counts = page.locator(".marker-cluster").all_inner_texts()
    assert "3" in [c.strip() for c in counts]
    page.get_by_label("Territoires d'industrie (2023-2027)").check()
    page.wait_for_selector(
        "#map[data-territoires]:not([data-territoires='/carte/territoires.geojson'])"
    )
    assert int(el.get_attribute("data-territoires")) >= 1
    screenshot(page)
    # Filters are shared with the directory: the URL changes and the markers follow.
    page.locator("#map-filters select[name=kind]").select_option("pole")
    page.wait_for_url(re.compile(r"/carte/\?kind=pole"))
    page.wait_for_function("document.getElementById('map').dataset.clusters === '1'")
    assert el.get_attribute("data-members") == "2"
    href = page.locator("#directory-link").get_attribute("href")
    assert href == "/annuaire/?kind=pole"
    screenshot(page, "poles")
    assert page.js_errors == []


def test_manager_edits_own_cluster(page, world, live_server, screenshot):
    user = UserFactory()
    Role.objects.create(user=user, kind=Role.Kind.MANAGER, cluster=world["pole"])
    sign_in(page, live_server, user)
    page.goto("/annuaire/aerospace-valley/")
    page.get_by_role("link", name="Modifier la fiche").click()
    page.wait_for_url("**/modifier/")
    screenshot(page, "form")
    page.get_by_label("Description").fill("Premier pôle européen de l'aéronautique.")
    page.get_by_label("Membre du réseau France Clusters").check()
    page.get_by_label("Nom du contact").fill("Camille Martin")
    page.get_by_label("E-mail du contact").fill("camille@example.org")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/annuaire/aerospace-valley/")
    assert "La fiche a été enregistrée." in page.content()
    assert "Premier pôle européen de l'aéronautique." in page.inner_text("main")
    assert "Membre du réseau France Clusters" in page.inner_text("main")
    screenshot(page, "saved")
    # Another cluster's form is forbidden.
    response = page.goto("/annuaire/agri-sud/modifier/")
    assert response.status == 403
    assert page.js_errors == []


def test_manager_imports_members_with_a_dry_run(page, world, live_server, screenshot, tmp_path):
    user = UserFactory()
    Role.objects.create(user=user, kind=Role.Kind.MANAGER, cluster=world["pole"])
    sign_in(page, live_server, user)
    path = tmp_path / "adherents.csv"
    path.write_text(
        "siret;raison_sociale;code_naf;tranche_effectif;code_commune\n"
        f"{make_siret(7)};Nouvelle Aéro;30.30Z;11;31555\n"
        "123;Mauvais SIRET;30.30Z;11;31555\n",
        encoding="utf-8",
    )
    page.goto("/annuaire/import/?cluster=aerospace-valley")
    screenshot(page, "upload")
    page.get_by_label("Fichier CSV ou Excel (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_selector("[data-count='rejected']")
    assert page.locator("[data-count='created']").inner_text() == "1"
    assert page.locator("[data-count='rejected']").inner_text() == "1"
    screenshot(page, "dry-run")
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_selector("text=Import terminé")
    screenshot(page, "applied")
    assert world["pole"].memberships.filter(company__name="Nouvelle Aéro").exists()
    assert page.js_errors == []


def test_companies_list_filters_by_cluster_without_reloading(page, world, screenshot):
    page.goto("/annuaire/entreprises/")
    screenshot(page, "all")
    assert page.locator("#results-title").inner_text() == "4 entreprises"
    page.get_by_label("Cluster", exact=True).select_option("agri-sud")
    page.wait_for_url(re.compile(r"cluster=agri-sud"))
    page.wait_for_function(
        "document.getElementById('results-title').textContent.trim() === '2 entreprises'"
    )
    names = page.locator("table.companies tbody td:first-child a").all_inner_texts()
    assert sorted(names) == ["Avions du Sud", "Boulangerie Occitane"]
    page.get_by_label("Rechercher une entreprise").fill("boulangeries")
    page.wait_for_function(
        "document.getElementById('results-title').textContent.trim() === '1 entreprise'"
    )
    screenshot(page, "filtered")
    assert page.js_errors == []
