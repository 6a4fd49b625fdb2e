"""Browser: an operator uploads a questionnaire and answers, writes a figure, publishes."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from surveys.models import HeadlineFigure, Response, Survey
from tests.fixtures.surveys import SMALL_SURVEY, build_xlsform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANSWERS = (
    "_uuid,_submission_time,nom,adherents,budget,creation,difficultes,causes\n"
    + "".join(
        f"u{i},2024-03-0{i + 1}T10:00:00+01:00,Cluster {i},{100 + i},,,"
        f"{'oui' if i % 3 else 'non'},{'demande' if i % 3 else ''}\n"
        for i in range(6)
    )
    + "u9,2024-03-09T10:00:00+01:00,Cluster 9,douze,,,peut-etre,\n"
)


@pytest.fixture
def operator_page(page, operator, live_server, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client = Client()
    client.force_login(operator)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return page


def test_operator_uploads_previews_a_figure_and_publishes(operator_page, screenshot):
    page = operator_page
    page.goto("/barometres/gestion/")
    screenshot(page, "1-index")

    # A broken questionnaire: refused with its sheet, row and column, nothing saved.
    rows = [list(r) for r in SMALL_SURVEY]
    rows[7][5] = "${difficultes} = = 'oui'"
    page.set_input_files(
        "input[name=file]",
        {"name": "casse.xlsx", "mimeType": XLSX, "buffer": build_xlsform(survey_rows=rows)},
    )
    page.get_by_role("button", name="Importer le questionnaire").click()
    problems = page.locator(".upload-problems tbody tr")
    assert problems.count() >= 1
    first = problems.first.inner_text()
    assert "survey" in first and "9" in first and "relevant" in first
    screenshot(page, "2-form-errors")
    assert not Survey.objects.exists()

    page.set_input_files(
        "input[name=file]", {"name": "petit.xlsx", "mimeType": XLSX, "buffer": build_xlsform()}
    )
    page.get_by_role("button", name="Importer le questionnaire").click()
    page.wait_for_url("**/versions/1/")
    assert "version 1" in page.locator("h1").inner_text()
    assert page.locator("table.questions tbody tr").count() == len(SMALL_SURVEY)
    screenshot(page, "3-version")

    # Answers: dry run with its per-row report, then apply.
    page.get_by_role("link", name="Retour à la gestion").click()
    page.set_input_files(
        "#id_answers_file",
        {"name": "reponses.csv", "mimeType": "text/csv", "buffer": ANSWERS.encode()},
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_selector(".row-report")
    assert "rien n'est encore écrit" in page.locator("h1").inner_text()
    report = page.locator(".row-report").inner_text()
    assert "8" in report and "adherents" in report and "choix inconnu" in report
    assert page.get_by_role("link", name="Télécharger les lignes rejetées").count() == 1
    screenshot(page, "4-dry-run")
    assert not Response.objects.exists()
    page.get_by_role("button", name="Appliquer l'import").click()
    page.wait_for_selector("text=Import appliqué")
    assert Response.objects.count() == 6
    screenshot(page, "5-applied")

    # Headline figure: live preview from the 6 answers (4 "oui": 66.7 %).
    page.goto("/barometres/gestion/petit-barometre/chiffres/nouveau/")
    page.select_option("#id_target", "difficultes::oui")
    page.fill("#id_template", "{taux} des répondants")
    page.wait_for_selector("#preview-problems")
    assert "n'existe pas" in page.locator("#preview").inner_text()
    page.fill("#id_template", "{percent} % des répondants rencontrent des difficultés")
    page.select_option("#id_rounding", "1")
    page.wait_for_selector("#preview .figure")
    page.wait_for_function(
        "document.querySelector('#preview .figure').textContent.includes('66,7')"
    )
    preview = page.locator("#preview").inner_text()
    assert "66,7 % des répondants rencontrent des difficultés" in preview
    assert "4 sur 6 répondants" in preview
    screenshot(page, "6-preview")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/gestion/petit-barometre/#chiffres")
    assert HeadlineFigure.objects.get().rounding == "1"
    screenshot(page, "7-manage")

    # Publication, with a confirmation page.
    page.get_by_role("link", name="Publier les résultats…").click()
    assert "Publier les résultats ?" in page.locator("h1").inner_text()
    screenshot(page, "8-confirm")
    page.get_by_role("button", name="Oui, publier").click()
    page.wait_for_selector("text=Résultats publiés")
    assert Survey.objects.get().published
    screenshot(page, "9-published")
    page.goto("/barometres/petit-barometre/rapport/")
    assert "66,7 % des répondants rencontrent des difficultés" in page.content()
    assert page.js_errors == []


def test_management_page_of_the_2020_barometer_matches_its_report(
    operator_page, screenshot, barometre_2020
):
    page = operator_page
    page.goto(f"/barometres/gestion/{barometre_2020.slug}/")
    rows = page.locator("#chiffres tbody tr")
    assert rows.count() == 10
    assert rows.first.locator("td.num strong").inner_text().replace("\xa0", " ") == "65 %"
    versions = page.locator("table.versions tbody tr")
    assert versions.count() == 1 and versions.first.locator("td.num").inner_text() == "70"
    screenshot(page)
    rows.first.get_by_role("link", name="Modifier").click()
    page.wait_for_selector("#preview .figure")
    assert page.locator("#preview .figure").inner_text().replace("\xa0", " ") == "65 %"
    screenshot(page, "edit")
