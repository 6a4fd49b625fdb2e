import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from surveys.models import Survey
from tests.fixtures.surveys import SMALL_SURVEY, build_xlsform

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("survey", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_form_prints_the_slug_as_last_word_of_last_line(tmp_path):
    path = tmp_path / "petit.xlsx"
    path.write_bytes(build_xlsform())
    out, _err = _run("import-form", str(path))
    slug = out.strip().splitlines()[-1].split()[-1]
    assert slug == "petit-barometre"
    assert Survey.objects.filter(slug=slug).exists()


def test_import_form_lists_every_problem_by_row_and_fails(tmp_path):
    rows = [list(r) for r in SMALL_SURVEY]
    rows[6][0] = "select_one inconnue"
    rows[7][5] = "${difficultes} = = 'oui'"
    path = tmp_path / "faux.xlsx"
    path.write_bytes(build_xlsform(rows))
    err = StringIO()
    with pytest.raises(CommandError, match="2 erreur"):
        call_command("survey", "import-form", str(path), stdout=StringIO(), stderr=err)
    assert "survey, ligne 8, colonne « type »" in err.getvalue()
    assert "survey, ligne 9, colonne « relevant »" in err.getvalue()


def test_results_json_is_exactly_the_documented_document(barometre_2020):
    out, _err = _run("results", barometre_2020.slug, "--format", "json")
    document = json.loads(out)
    assert list(document) == ["survey", "respondents", "questions"]
    assert document["survey"] == "barometre-2020"
    assert document["respondents"] == 70
    by_name = {q["name"]: q for q in document["questions"]}
    types_opp = by_name["types_opportunites"]
    assert types_opp["answered"] == 57
    assert types_opp["choices"][0] == {
        "name": "nouveaux_marches",
        "label": "Ouverture de nouveaux marchés",
        "count": 42,
        "percent": 73.7,
    }
    members = by_name["nb_entreprises"]
    assert set(members["stats"]) == {"mean", "median", "min", "max"}
    assert round(members["stats"]["mean"], 2) == members["stats"]["mean"]
    assert "choices" not in members and "stats" not in by_name["cluster_nom"]


def test_import_responses_reports_rows_and_is_idempotent(small_survey, tmp_path):
    path = tmp_path / "reponses.csv"
    path.write_text("_uuid,nom,difficultes\nu1,Alpha,oui\nu2,Beta,bof\n", encoding="utf-8")
    out, err = _run(
        "import-responses", small_survey.slug, str(path), "--rejects-dir", str(tmp_path)
    )
    assert "1 réponse(s) créée(s)" in out and "1 rejetée(s)" in out
    assert "ligne 3, colonne difficultes : choix inconnu" in err
    out, _err = _run(
        "import-responses", small_survey.slug, str(path), "--rejects-dir", str(tmp_path)
    )
    assert "0 réponse(s) créée(s)" in out and "1 inchangée(s)" in out


def test_unknown_survey_is_a_clear_error():
    with pytest.raises(CommandError, match="Baromètre inconnu : nulle"):
        _run("results", "nulle")


def test_load_barometre_2020_is_repeatable(fixtures_dir):
    out, _err = _run("load-barometre-2020", "--fixtures-dir", str(fixtures_dir))
    assert out.strip().splitlines()[-1].endswith("barometre-2020")
    out, _err = _run("load-barometre-2020", "--fixtures-dir", str(fixtures_dir))
    assert "70 inchangée(s)" in out
    survey = Survey.objects.get(slug="barometre-2020")
    assert survey.published and survey.headlines.count() == 10
    assert survey.responses.count() == 70


def test_export_form_round_trips_through_the_cli(small_survey, tmp_path):
    path = tmp_path / "export.xlsx"
    _run("export", small_survey.slug, "form.xlsx", "-o", str(path))
    out, _err = _run("import-form", str(path))
    assert "inchangé" in out
