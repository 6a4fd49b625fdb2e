import csv

import pytest

from surveys.models import ImportRun, Response
from surveys.services import import_responses

pytestmark = pytest.mark.django_db

HEADER = "_uuid,_submission_time,nom,adherents,budget,creation,difficultes,causes\n"


def _import(survey, text, tmp_path, **kwargs):
    return import_responses(survey, text.encode(), "reponses.csv", rejects_dir=tmp_path, **kwargs)


def test_valid_rows_are_imported_with_typed_answers(small_survey, tmp_path):
    text = HEADER + (
        "u1,2024-03-01T10:00:00+01:00,Alpha,120,1.5,2010-05-01,oui,demande appro\n"
        "u2,2024-03-02T10:00:00+01:00,Beta,,,,non,\n"
    )
    result = _import(small_survey, text, tmp_path)
    assert (result.created, result.rejected) == (2, 0)
    alpha = Response.objects.get(external_uuid="u1")
    assert alpha.answers == {
        "nom": "Alpha",
        "adherents": 120,
        "budget": 1.5,
        "creation": "2010-05-01",
        "difficultes": "oui",
        "causes": ["demande", "appro"],
    }
    assert alpha.source == "import" and alpha.status == "submitted"
    assert Response.objects.get(external_uuid="u2").answers == {"nom": "Beta", "difficultes": "non"}


def test_reimporting_the_same_file_changes_nothing(small_survey, tmp_path):
    text = HEADER + "u1,2024-03-01T10:00:00+01:00,Alpha,120,,,non,\n"
    _import(small_survey, text, tmp_path)
    again = _import(small_survey, text, tmp_path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Response.objects.count() == 1


def test_a_corrected_row_updates_the_response_with_the_same_uuid(small_survey, tmp_path):
    _import(small_survey, HEADER + "u1,2024-03-01T10:00:00+01:00,Alpha,120,,,non,\n", tmp_path)
    result = _import(
        small_survey, HEADER + "u1,2024-03-01T10:00:00+01:00,Alpha,130,,,non,\n", tmp_path
    )
    assert (result.created, result.updated) == (0, 1)
    assert Response.objects.get().answers["adherents"] == 130


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("u9,,Gamma,,,,peut-etre,", "difficultes", "choix inconnu"),
        ("u9,,Gamma,-3,,,non,", "adherents", "Un nombre positif"),
        ("u9,,Gamma,,,,non,demande", "causes", "exclue par sa condition"),
        ("u9,,Gamma,douze,,,non,", "adherents", "nombre entier attendu"),
        ("u9,,Gamma,,abc,,non,", "budget", "nombre décimal attendu"),
        ("u9,,Gamma,,,31/02/2020,non,", "creation", "date AAAA-MM-JJ attendue"),
        ("u9,,Gamma,,,,oui,demande appro tresorerie", "causes", "Deux causes au plus"),
        ("u9,,,,,,non,", "nom", "obligatoire"),
    ],
)
def test_invalid_values_are_reported_per_row_and_column(
    small_survey, tmp_path, row, column, reason
):
    text = HEADER + "u1,,Alpha,,,,non,\n" + row + "\n"
    result = _import(small_survey, text, tmp_path)
    assert result.created == 1 and result.rejected == 1
    assert [(p.line, p.column) for p in result.problems] == [(3, column)]
    assert reason in result.problems[0].reason
    assert not Response.objects.filter(external_uuid="u9").exists()


def test_rejected_rows_are_kept_in_a_rejects_file_with_their_reasons(small_survey, tmp_path):
    text = HEADER + "u1,,Alpha,=1+1,,,non,\n"
    result = _import(small_survey, text, tmp_path)
    with result.rejects_path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["_ligne"] == "2"
    assert "adherents" in rows[0]["_erreurs"]
    # The rejected value is kept, defused against formula injection.
    assert rows[0]["adherents"] == "'=1+1"


def test_dry_run_reports_without_writing(small_survey, tmp_path):
    result = _import(small_survey, HEADER + "u1,,Alpha,,,,non,\n", tmp_path, apply=False)
    assert result.created == 1
    assert not Response.objects.exists()
    assert not ImportRun.objects.exists()


def test_unknown_columns_are_reported_and_ignored(small_survey, tmp_path):
    text = "_uuid,nom,couleur\nu1,Alpha,bleu\n"
    result = _import(small_survey, text, tmp_path)
    assert result.created == 1
    assert [(p.line, p.column) for p in result.problems] == [(1, "couleur")]


def test_the_2020_answers_import_without_a_single_rejection(barometre_2020):
    assert barometre_2020.responses.count() == 70
    run = barometre_2020.import_runs.get()
    assert (run.created, run.rejected) == (70, 0)
