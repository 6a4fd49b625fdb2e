import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_draws_the_map_of_regions(page, reference, screenshot):
    page.goto("/")
    page.wait_for_selector("#map[data-ready='1']")
    screenshot(page)
    # Leaflet draws vectors on a canvas (preferCanvas): count the painted pixels.
    painted = page.evaluate(
        """() => {
          const c = document.querySelector('#map .leaflet-overlay-pane canvas');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n / (c.width * c.height);
        }"""
    )
    # The canvas is padded beyond the view; France fills a good part of it.
    assert painted > 0.08, f"only {painted:.0%} of the map is painted"
    assert page.locator(".map-legend").is_visible()
    assert page.js_errors == []


def test_skip_link_leads_to_main_content(page, reference):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.locator("header[role=banner]").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("footer[role=contentinfo]").count() == 1


def test_language_switch_turns_the_interface_to_english(page, reference, screenshot):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("nav").inner_text().find("Directory") >= 0
    screenshot(page, "en")
