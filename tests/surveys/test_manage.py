"""Operators' web management of barometers: uploads, versions, answers, figures, publication."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.headlines import template_problems
from surveys.models import HeadlineFigure, ImportRun, Response, Survey, SurveyVersion
from surveys.services import import_responses
from surveys.uploads import MAX_XLSFORM_BYTES
from surveys.xlsform import parse_xlsform
from tests.fixtures.surveys import SMALL_SURVEY, build_xlsform

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = "_uuid,_submission_time,nom,adherents,budget,creation,difficultes,causes\n"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def op_client(client, operator):
    client.force_login(operator)
    return client


def _xlsx(content: bytes, name="questionnaire.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def _csv(text: str, name="reponses.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _answers(n: int, start: int = 0) -> str:
    rows = [
        f"u{i},2024-03-0{1 + i % 9}T10:00:00+01:00,Cluster {i},{100 + i},,,"
        f"{'oui' if i % 3 else 'non'},{'demande' if i % 3 else ''}"
        for i in range(start, start + n)
    ]
    return HEADER + "\n".join(rows) + "\n"


# --- XLSForm upload --------------------------------------------------------------------


def test_uploading_an_xlsform_creates_a_survey_and_shows_its_version(op_client):
    response = op_client.post(
        reverse("surveys:manage_index"), {"file": _xlsx(build_xlsform())}, follow=True
    )
    survey = Survey.objects.get(slug="petit-barometre")
    assert response.redirect_chain[-1][0] == reverse(
        "surveys:manage_version", args=[survey.slug, 1]
    )
    page = response.content.decode()
    assert "version 1" in page and "Petit baromètre" in page
    assert "adherents" in page and "Baisse de la demande" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("questionnaire.xls", build_xlsform(), "extension .xlsx"),
        ("questionnaire.xlsx", b"type,name\ntext,nom\n", "pas un classeur Excel"),
        ("questionnaire.xlsx", b"PK\x03\x04 not really a zip", "pas un classeur Excel"),
        ("questionnaire.xlsx", b"", "vide"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused_and_nothing_is_saved(
    op_client, name, content, message
):
    response = op_client.post(reverse("surveys:manage_index"), {"file": _xlsx(content, name)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Survey.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(op_client):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    response = op_client.post(reverse("surveys:manage_index"), {"file": _xlsx(out.getvalue())})
    assert response.status_code == 400
    assert "pas un classeur Excel" in response.content.decode()


def test_an_oversized_upload_is_refused_before_parsing(op_client):
    content = b"PK\x03\x04" + b"0" * MAX_XLSFORM_BYTES
    response = op_client.post(reverse("surveys:manage_index"), {"file": _xlsx(content)})
    assert response.status_code == 400
    assert "taille maximale de 5 Mo" in response.content.decode()


def test_xlsform_errors_are_listed_by_sheet_row_and_column_and_nothing_is_saved(op_client):
    rows = [list(r) for r in SMALL_SURVEY]
    rows[6][0] = "select_one liste_absente"  # row 8 in Excel
    rows[7][5] = "${difficultes} = = 'oui'"  # row 9, relevant
    response = op_client.post(
        reverse("surveys:manage_index"), {"file": _xlsx(build_xlsform(survey_rows=rows))}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rien n&#x27;a été enregistré" in page or "Rien n'a été enregistré" in page
    cells = [[td.strip() for td in tr.split("</td>")[:4]] for tr in page.split("<tr><td>")[1:]]
    located = {(c[0], c[1].replace('<td class="num">', "")) for c in cells}
    assert ("survey", "8") in located
    assert ("survey", "9") in located
    assert "relevant" in page
    assert not Survey.objects.exists() and not SurveyVersion.objects.exists()


def test_an_unreadable_workbook_reports_openpyxl_error_in_the_page(op_client):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not-a-workbook")
    response = op_client.post(reverse("surveys:manage_index"), {"file": _xlsx(out.getvalue())})
    assert response.status_code == 400
    assert "illisible" in response.content.decode()
    assert not Survey.objects.exists()


def test_new_survey_upload_refuses_a_form_id_that_already_exists(op_client, small_survey):
    response = op_client.post(reverse("surveys:manage_index"), {"file": _xlsx(build_xlsform())})
    assert response.status_code == 400
    assert "existe déjà" in response.content.decode()
    assert small_survey.versions.count() == 1


def _changed_form() -> bytes:
    rows = [list(r) for r in SMALL_SURVEY] + [
        ["text", "commentaire", "Commentaire", "Comment", None, None, None, None]
    ]
    return build_xlsform(survey_rows=rows)


def test_editing_a_questionnaire_without_answers_replaces_the_version(op_client, small_survey):
    url = reverse("surveys:manage_upload", args=[small_survey.slug])
    response = op_client.post(url, {"file": _xlsx(_changed_form())}, follow=True)
    assert small_survey.versions.count() == 1
    assert small_survey.current_version.question("commentaire")
    assert "est remplacée" in response.content.decode()


def test_editing_a_questionnaire_with_answers_creates_a_visible_new_version(
    op_client, small_survey, tmp_path
):
    import_responses(small_survey, _answers(3).encode(), rejects_dir=tmp_path)
    url = reverse("surveys:manage_upload", args=[small_survey.slug])
    response = op_client.post(url, {"file": _xlsx(_changed_form())}, follow=True)
    assert "version 2 créée" in response.content.decode()
    assert list(small_survey.versions.values_list("number", flat=True)) == [1, 2]
    page = op_client.get(reverse("surveys:manage", args=[small_survey.slug])).content.decode()
    versions = page.split('class="versions"')[1].split("</table>")[0]
    rows = versions.split("<tr>")[2:]
    assert "version 2" in rows[0] and "courante" in rows[0]
    assert '<td class="num">0' in rows[0]
    assert "version 1" in rows[1] and '<td class="num">3' in rows[1]


def test_uploading_the_same_questionnaire_again_changes_nothing(op_client, small_survey):
    url = reverse("surveys:manage_upload", args=[small_survey.slug])
    response = op_client.post(url, {"file": _xlsx(build_xlsform())}, follow=True)
    assert "rien n&#x27;a changé" in response.content.decode()
    assert small_survey.versions.count() == 1


def test_a_bad_new_version_keeps_the_current_one(op_client, small_survey):
    rows = [list(r) for r in SMALL_SURVEY]
    rows[0][1] = "nom avec espace"
    url = reverse("surveys:manage_upload", args=[small_survey.slug])
    response = op_client.post(url, {"file": _xlsx(build_xlsform(survey_rows=rows))})
    assert response.status_code == 400
    assert '<td>survey</td><td class="num">2</td><td>name</td>' in response.content.decode()
    small_survey.refresh_from_db()
    assert small_survey.current_version.question("nom")


# --- downloads --------------------------------------------------------------------------


def test_the_questionnaire_downloads_as_an_xlsform_that_reimports_identically(
    op_client, small_survey
):
    url = reverse("surveys:manage_version_download", args=[small_survey.slug, 1, "questionnaire"])
    response = op_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert parse_xlsform(response.content).definition == small_survey.current_version.definition
    original = op_client.get(
        reverse("surveys:manage_version_download", args=[small_survey.slug, 1, "original"])
    )
    assert original.content == bytes(small_survey.current_version.xlsform)
    bad = reverse("surveys:manage_version_download", args=[small_survey.slug, 1, "autre"])
    assert op_client.get(bad).status_code == 404


def test_the_management_page_links_answers_and_results_exports_that_work(
    op_client, small_survey, tmp_path
):
    import_responses(small_survey, _answers(6).encode(), rejects_dir=tmp_path)
    page = op_client.get(reverse("surveys:manage", args=[small_survey.slug])).content.decode()
    for filename in ("reponses.csv", "reponses.xlsx", "resultats.csv", "resultats.xlsx"):
        url = reverse("surveys:export", args=[small_survey.slug, filename])
        assert f'href="{url}"' in page
        assert op_client.get(url).status_code == 200
    answers = op_client.get(reverse("surveys:export", args=[small_survey.slug, "reponses.csv"]))
    assert "Cluster 5" in answers.content.decode("utf-8-sig")


# --- answers import ------------------------------------------------------------------------


def test_answers_upload_is_a_dry_run_then_apply_writes(op_client, small_survey):
    text = _answers(2) + "u9,,Gamma,douze,,,peut-etre,\n"
    check = op_client.post(
        reverse("surveys:manage_answers_check", args=[small_survey.slug]), {"file": _csv(text)}
    )
    assert check.status_code == 200
    page = check.content.decode()
    assert not Response.objects.exists()
    report = page.split('class="row-report"')[1]
    assert '<td class="num">4</td><td><code>adherents</code></td>' in report
    assert '<td class="num">4</td><td><code>difficultes</code></td>' in report
    assert "choix inconnu" in report
    token = check.context["token"]
    applied = op_client.post(
        reverse("surveys:manage_answers_apply", args=[small_survey.slug]), {"token": token}
    )
    assert applied.status_code == 200
    assert Response.objects.filter(survey=small_survey).count() == 2
    run = ImportRun.objects.get()
    assert (run.created, run.rejected) == (2, 1)
    # The token is spent: applying twice does not import twice.
    again = op_client.post(
        reverse("surveys:manage_answers_apply", args=[small_survey.slug]), {"token": token}
    )
    assert again.status_code == 302
    assert ImportRun.objects.count() == 1


def test_the_rejects_file_downloads_with_line_and_reasons(op_client, small_survey):
    text = _answers(1) + "u9,,Gamma,douze,,,non,\n"
    check = op_client.post(
        reverse("surveys:manage_answers_check", args=[small_survey.slug]), {"file": _csv(text)}
    )
    name = check.context["report"]["rejects"]
    url = reverse("surveys:manage_rejects", args=[small_survey.slug, name])
    assert f'href="{url}"' in check.content.decode()
    content = b"".join(op_client.get(url).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 1
    assert rows[0]["_ligne"] == "3" and rows[0]["_uuid"] == "u9"
    assert "adherents" in rows[0]["_erreurs"]


def test_rejects_download_refuses_names_outside_the_survey(op_client, small_survey, var_dir):
    (var_dir / "secret.txt").write_text("x")
    for name in ("..%2Fsecret.txt", "autre-x-rejets.csv", "petit-barometre-absent-rejets.csv"):
        url = f"/barometres/gestion/{small_survey.slug}/rejets/{name}"
        assert op_client.get(url).status_code == 404, name


def test_apply_with_a_token_of_another_session_is_refused(op_client, small_survey, client):
    response = op_client.post(
        reverse("surveys:manage_answers_apply", args=[small_survey.slug]),
        {"token": "A" * 32},
        follow=True,
    )
    assert "déposez le fichier à nouveau" in response.content.decode()
    assert not Response.objects.exists()


def test_an_excel_file_renamed_csv_is_refused(op_client, small_survey):
    upload = SimpleUploadedFile("reponses.csv", build_xlsform(), content_type="text/csv")
    response = op_client.post(
        reverse("surveys:manage_answers_check", args=[small_survey.slug]), {"file": upload}
    )
    assert response.status_code == 400
    assert "pas un fichier texte CSV" in response.content.decode()
    assert not Response.objects.exists()


# --- headline figures ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{percent}% des clusters", None),
        ("{count} clusters sur {answered}, soit {percent} %", None),
        ("{pourcent}% des clusters", "« {pourcent} » n'existe pas"),
        ("73 % des clusters", "chiffre tapé à la main"),
        ("{percent} des clusters, contre 65,5% en 2019", "« 65,5% »"),
        ("Des clusters nombreux", "doit contenir {percent}"),
        ("{percent:.2f} des clusters", "ne prend pas de format"),
        ("{percent des clusters", "Accolade isolée"),
        ("{} des clusters", "« {} » n'existe pas"),
    ],
)
def test_headline_templates_are_validated(template, message):
    problems = template_problems(template)
    if message is None:
        assert problems == []
    else:
        assert any(message in p for p in problems), problems


def _headline_data(**overrides):
    data = {
        "target": "difficultes::oui",
        "template": "{percent}% des répondants ont des difficultés",
        "rounding": "0",
        "decimal_separator": ",",
        "section": "Crise",
        "order": "10",
    }
    data.update(overrides)
    return data


def test_preview_computes_the_sentence_from_current_answers(op_client, small_survey, tmp_path):
    import_responses(small_survey, _answers(6).encode(), rejects_dir=tmp_path)
    url = reverse("surveys:manage_headline_preview", args=[small_survey.slug])
    # 4 of the 6 answered "oui": 66.7 %.
    response = op_client.post(url, _headline_data(rounding="1"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "66,7% des répondants ont des difficultés" in page
    assert "4 sur 6 répondants" in page
    fraction = op_client.post(url, _headline_data(rounding="fraction")).content.decode()
    assert "2/3% des répondants" in fraction
    unknown = op_client.post(url, _headline_data(template="{taux} des")).content.decode()
    assert "« {taux} » n&#x27;existe pas" in unknown


def test_a_headline_is_saved_and_appears_in_the_report(op_client, small_survey, tmp_path):
    import_responses(small_survey, _answers(6).encode(), rejects_dir=tmp_path)
    response = op_client.post(
        reverse("surveys:manage_headline_new", args=[small_survey.slug]), _headline_data()
    )
    assert response.status_code == 302
    headline = HeadlineFigure.objects.get()
    assert (headline.question, headline.choice, headline.order) == ("difficultes", "oui", 10)
    report = op_client.get(reverse("surveys:report", args=[small_survey.slug])).content.decode()
    assert "67% des répondants ont des difficultés" in report
    edit = reverse("surveys:manage_headline", args=[small_survey.slug, headline.pk])
    op_client.post(edit, _headline_data(target="difficultes::non"))
    headline.refresh_from_db()
    assert headline.choice == "non"
    op_client.post(reverse("surveys:manage_headline_delete", args=[small_survey.slug, headline.pk]))
    assert not HeadlineFigure.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"template": "65 % des répondants"}, "chiffre tapé à la main"),
        ({"template": "{taux} des répondants"}, "n&#x27;existe pas"),
        ({"target": "nom::x"}, "Sélectionnez un choix valide"),
        ({"target": "difficultes::peut_etre"}, "Sélectionnez un choix valide"),
    ],
)
def test_an_invalid_headline_is_not_saved(op_client, small_survey, overrides, message):
    response = op_client.post(
        reverse("surveys:manage_headline_new", args=[small_survey.slug]),
        _headline_data(**overrides),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not HeadlineFigure.objects.exists()


def test_a_headline_of_another_survey_cannot_be_edited(op_client, small_survey):
    other = Survey.objects.create(slug="autre", title="Autre")
    headline = HeadlineFigure.objects.create(
        survey=other, question="q", choice="c", template="{percent}"
    )
    url = reverse("surveys:manage_headline", args=[small_survey.slug, headline.pk])
    assert op_client.get(url).status_code == 404
    delete = reverse("surveys:manage_headline_delete", args=[small_survey.slug, headline.pk])
    assert op_client.post(delete).status_code == 404
    assert HeadlineFigure.objects.filter(pk=headline.pk).exists()


# --- publication -------------------------------------------------------------------------------


def test_publishing_goes_through_a_confirmation_page(op_client, client, small_survey):
    url = reverse("surveys:manage_publication", args=[small_survey.slug])
    confirm_page = op_client.get(url).content.decode()
    assert "Publier les résultats ?" in confirm_page and "Oui, publier" in confirm_page
    assert op_client.post(url, {"published": "1"}).status_code == 400
    small_survey.refresh_from_db()
    assert not small_survey.published
    op_client.post(url, {"published": "1", "confirm": "yes"})
    small_survey.refresh_from_db()
    assert small_survey.published
    op_client.logout()
    assert client.get(reverse("surveys:results", args=[small_survey.slug])).status_code == 200


def test_unpublishing_hides_the_results_again(op_client, client, small_survey):
    small_survey.published = True
    small_survey.save()
    url = reverse("surveys:manage_publication", args=[small_survey.slug])
    assert "Dépublier les résultats ?" in op_client.get(url).content.decode()
    op_client.post(url, {"published": "0", "confirm": "yes"})
    op_client.logout()
    assert client.get(reverse("surveys:results", args=[small_survey.slug])).status_code == 404


def test_the_index_lists_every_barometer_with_versions_and_respondents(
    op_client, small_survey, tmp_path
):
    import_responses(small_survey, _answers(3).encode(), rejects_dir=tmp_path)
    page = op_client.get(reverse("surveys:manage_index")).content.decode()
    row = page.split(reverse("surveys:manage", args=[small_survey.slug]))[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in row and '<td class="num">3</td>' in row
    assert "non publiés" in row


def test_openpyxl_workbook_saved_by_excel_with_extra_sheets_is_accepted(op_client):
    wb = openpyxl.load_workbook(io.BytesIO(build_xlsform()))
    wb.create_sheet("notes").append(["brouillon"])
    out = io.BytesIO()
    wb.save(out)
    response = op_client.post(reverse("surveys:manage_index"), {"file": _xlsx(out.getvalue())})
    assert response.status_code == 302


def test_a_form_id_named_like_the_management_page_is_refused(op_client):
    content = build_xlsform(settings={"form_title": "Gestion", "form_id": "gestion"})
    response = op_client.post(reverse("surveys:manage_index"), {"file": _xlsx(content)})
    assert response.status_code == 400
    assert "réservé" in response.content.decode()
    assert not Survey.objects.exists()


def test_dry_run_files_never_applied_are_removed_after_a_day(op_client, small_survey, var_dir):
    import os
    import time

    folder = var_dir / "uploads" / "surveys"
    folder.mkdir(parents=True)
    stale = folder / "ancien.csv"
    stale.write_text("x")
    day_old = time.time() - 25 * 3600
    os.utime(stale, (day_old, day_old))
    op_client.post(
        reverse("surveys:manage_answers_check", args=[small_survey.slug]),
        {"file": _csv(_answers(1))},
    )
    assert not stale.exists()
    assert len(list(folder.glob("*.csv"))) == 1


def test_a_csv_the_csv_module_cannot_read_is_reported_not_a_500(op_client, small_survey):
    text = HEADER + "u1,," + '"' + "x" * 200_000 + '"' + ",,,,non,\n"
    response = op_client.post(
        reverse("surveys:manage_answers_check", args=[small_survey.slug]), {"file": _csv(text)}
    )
    assert response.status_code == 400
    assert "Fichier CSV illisible" in response.content.decode()
    assert not Response.objects.exists()
