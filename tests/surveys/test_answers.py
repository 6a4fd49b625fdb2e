"""clean_submission: the rules shared by the CSV import and the web answer form."""

from surveys.answers import clean_submission, relevant_names
from surveys.xlsform import parse_xlsform
from tests.fixtures.surveys import SMALL_SURVEY, build_xlsform


def _definition(rows=None):
    return parse_xlsform(build_xlsform(rows)).definition


def test_drafts_may_leave_required_questions_empty():
    definition = _definition()
    _answers, errors = clean_submission(definition, {"difficultes": "oui"}, partial=True)
    assert errors == []
    _answers, errors = clean_submission(definition, {"difficultes": "oui"})
    assert [(e.question, e.code) for e in errors] == [("nom", "required")]


def test_a_group_whose_relevant_is_false_hides_its_questions():
    rows = [list(r) for r in SMALL_SURVEY]
    rows[1][5] = "${nom} != 'anonyme'"
    definition = _definition(rows)
    assert "adherents" not in relevant_names(definition, {"nom": "anonyme"})
    answers, errors = clean_submission(definition, {"nom": "anonyme", "adherents": "3"})
    assert [(e.question, e.code) for e in errors] == [("adherents", "not_relevant")]
    assert "adherents" not in answers


def test_unknown_questions_are_errors_not_silently_stored():
    answers, errors = clean_submission(_definition(), {"nom": "A", "pirate": "x"})
    assert [(e.question, e.code) for e in errors] == [("pirate", "unknown")]
    assert "pirate" not in answers


def test_select_multiple_accepts_a_list_and_keeps_questionnaire_order():
    answers, errors = clean_submission(
        _definition(), {"nom": "A", "difficultes": "oui", "causes": ["appro", "demande", "appro"]}
    )
    assert errors == []
    assert answers["causes"] == ["demande", "appro"]


def test_constraint_message_is_given_in_french():
    _answers, errors = clean_submission(_definition(), {"nom": "A", "adherents": "-1"})
    assert [e.message for e in errors] == ["Un nombre positif"]


def test_decimal_accepts_a_french_comma():
    answers, errors = clean_submission(_definition(), {"nom": "A", "budget": "2,5"})
    assert errors == [] and answers["budget"] == 2.5
