import csv
import io
import json

import openpyxl
import pytest

from surveys import exports
from surveys.models import Response
from surveys.results import survey_results

pytestmark = pytest.mark.django_db


def test_answers_csv_reimports_to_the_same_answers(barometre_2020, tmp_path):
    from surveys.services import import_responses

    data = exports.answers_csv(barometre_2020)
    result = import_responses(barometre_2020, data, "export.csv", rejects_dir=tmp_path)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (0, 0, 70, 0)


def test_formula_injection_is_defused_in_csv_and_xlsx(small_survey):
    Response.objects.create(
        survey=small_survey,
        version=small_survey.current_version,
        status="submitted",
        external_uuid="u1",
        answers={"nom": '=HYPERLINK("http://x")', "adherents": -3},
    )
    rows = list(csv.reader(io.StringIO(exports.answers_csv(small_survey).decode("utf-8-sig"))))
    nom = rows[0].index("nom")
    assert rows[1][nom].startswith("'=")
    assert rows[1][rows[0].index("adherents")] == "-3"
    sheet = openpyxl.load_workbook(io.BytesIO(exports.answers_xlsx(small_survey))).active
    values = [c.value for c in sheet[2]]
    assert '\'=HYPERLINK("http://x")' in values


def test_results_exports_carry_the_same_numbers(barometre_2020):
    results = survey_results(barometre_2020)
    assert json.loads(exports.results_json(results)) == results
    rows = list(csv.DictReader(io.StringIO(exports.results_csv(results).decode("utf-8-sig"))))
    row = next(r for r in rows if r["question"] == "difficultes" and r["choix"] == "pas_reelles")
    assert (row["repondants_question"], row["nombre"], row["pourcentage"]) == ("68", "44", "64.7")
    sheet = openpyxl.load_workbook(io.BytesIO(exports.results_xlsx(results)))["resultats"]
    assert sheet.max_row == len(rows) + 1
