"""The "Sources et licences" page."""

import pytest

from territories.models import Source


def test_sources_page_lists_every_source_with_licence_and_counts(client, reference):
    response = client.get("/sources/")
    assert response.status_code == 200
    html = response.content.decode()
    for source in Source.objects.all():
        assert f'data-source="{source.key}"' in html
        assert source.vintage in html.replace("&#x27;", "'")
    assert "ODbL 1.0" in html
    assert "COGugaison" in html
    # The counts are what was loaded (the reference subset: 6 départements).
    assert "<strong>18</strong> régions" in html
    assert "<strong>101</strong> départements" in html


def test_sources_page_says_when_nothing_is_loaded(client, db):
    response = client.get("/sources/")
    assert response.status_code == 200
    assert "mapster reference load" in response.content.decode()


@pytest.mark.browser
def test_sources_page_in_a_browser(page, screenshot, reference):
    page.goto("/sources/")
    assert page.locator("h1").inner_text() == "Sources et licences des données"
    odbl = page.locator("tr.odbl")
    assert odbl.count() == 3
    zones = page.locator('tr[data-source="zones-emploi"]')
    assert "ODbL" in zones.inner_text()
    assert "COGugaison" in zones.inner_text()
    screenshot(page)
    assert page.js_errors == []
