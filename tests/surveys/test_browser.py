import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_page_shows_figures_charts_and_examples(page, screenshot, barometre_2020):
    page.goto(f"/barometres/{barometre_2020.slug}/rapport/")
    assert page.locator(".headline-figure").count() == 10
    assert page.locator(".big-number").first.inner_text().replace("\xa0", " ") == "65 %"
    assert page.locator(".example-card").count() == 24
    chart = page.locator(".chart-figure svg").first
    assert chart.bounding_box()["width"] > 300
    assert page.js_errors == []
    screenshot(page)
    page.locator("#about").scroll_into_view_if_needed()
    assert "synthétiques" in page.locator("#about").inner_text()


def test_results_page_crosses_a_question_by_region(page, screenshot, barometre_2020):
    page.goto(f"/barometres/{barometre_2020.slug}/resultats/")
    page.select_option("#ct-question", "difficultes")
    page.select_option("#ct-par", "region")
    page.get_by_role("button", name="Croiser").click()
    page.wait_for_selector(".chart-stacked")
    assert "Secret statistique" in page.locator(".crosstab").inner_text()
    screenshot(page)


def test_barometer_list_links_to_results_and_report(page, screenshot, barometre_2020):
    page.goto("/barometres/")
    assert page.get_by_role("link", name="Rapport", exact=True).count() == 1
    screenshot(page)
