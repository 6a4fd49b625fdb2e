import pytest

from showcase.models import Example
from showcase.services import load_2020

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_filters_the_catalogue_and_opens_an_example(page, screenshot, regions, seed_csv):
    load_2020(seed_csv)
    page.goto("/exemples/")
    page.wait_for_selector("#examples-map[data-ready='1']")
    assert int(page.get_attribute("#examples-map", "data-markers")) >= 24
    screenshot(page, "catalogue")
    page.select_option("#f-theme", "relocalisation")
    page.click("button[type=submit]:has-text('Filtrer')")
    page.wait_for_selector("#examples-map[data-ready='1']")
    assert page.locator(".example-card").count() == 3
    assert page.get_attribute("#examples-map", "data-markers") == "3"
    screenshot(page, "filtered")
    page.click(".example-card a >> nth=0")
    page.wait_for_selector("#example-map[data-ready='1']")
    screenshot(page, "detail")
    flagged = Example.objects.get(region_unmapped=True)
    page.goto(f"/exemples/{flagged.pk}/")
    assert page.locator(".badge-warning").is_visible()
    screenshot(page, "detail-unmapped")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/exemples/")
    page.wait_for_selector("#examples-map[data-ready='1']")
    screenshot(page, "catalogue-mobile")
    assert page.js_errors == []


def test_manager_submits_and_operator_publishes(
    page, live_server, screenshot, regions, manager, operator
):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for user in (manager, operator):
        user.set_password("pw-For-tests-42")
        user.save()
    _login(page, live_server, "animateur")
    page.goto("/exemples/proposer/")
    page.fill("#id_description", "Un atelier partagé de découpe laser ouvert aux adhérents.")
    page.select_option("#id_category", "nouveaux_marches")
    page.fill("#id_region_label", "SUD / Occitanie")
    page.check("input[value=nouveauxmarches]")
    screenshot(page, "submit-form")
    page.click("button:has-text('Envoyer pour relecture')")
    page.wait_for_selector("text=Merci")
    screenshot(page, "submitted")
    page.context.clear_cookies()
    _login(page, live_server, "operatrice")
    page.goto("/exemples/moderation/")
    screenshot(page, "moderation")
    page.click("button:has-text('Publier')")
    page.wait_for_selector("text=est publié")
    assert Example.objects.get().status == "published"
    page.goto("/exemples/")
    page.wait_for_selector("text=Un atelier partagé de découpe laser")
    assert User.objects.count() == 2


def _login(page, live_server, username):
    """Sign in through a session cookie: the login page belongs to another branch."""

    from django.test import Client

    client = Client()
    assert client.login(username=username, password="pw-For-tests-42")
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
