import pytest

from surveys.models import Response, Survey
from surveys.services import import_form
from surveys.xlsform import FormError
from tests.fixtures.surveys import SMALL_SURVEY, build_xlsform

pytestmark = pytest.mark.django_db


def test_import_creates_survey_named_after_form_id_and_keeps_the_file():
    content = build_xlsform()
    result = import_form(content, "petit.xlsx")
    assert result.action == "created"
    assert result.survey.slug == "petit-barometre"
    assert result.survey.title == "Petit baromètre"
    assert bytes(result.version.xlsform) == content
    assert result.version.number == 1


def test_reimporting_the_same_questionnaire_changes_nothing():
    content = build_xlsform()
    import_form(content, "petit.xlsx")
    again = import_form(content, "petit.xlsx")
    assert again.action == "unchanged"
    assert again.survey.versions.count() == 1


def test_editing_a_questionnaire_without_answers_replaces_it():
    first = import_form(build_xlsform(), "petit.xlsx")
    rows = [list(r) for r in SMALL_SURVEY]
    rows[0][2] = "Nom de la structure"
    second = import_form(build_xlsform(rows), "petit.xlsx")
    assert second.action == "updated"
    assert second.version.pk == first.version.pk
    assert second.version.question("nom")["label"]["French (fr)"] == "Nom de la structure"


def test_editing_a_questionnaire_with_answers_creates_a_version_and_old_answers_keep_theirs():
    first = import_form(build_xlsform(), "petit.xlsx")
    old = Response.objects.create(
        survey=first.survey, version=first.version, status="submitted", answers={"nom": "A"}
    )
    rows = [list(r) for r in SMALL_SURVEY]
    rows[0][2] = "Nom de la structure"
    second = import_form(build_xlsform(rows), "petit.xlsx")
    assert second.action == "new_version"
    assert second.version.number == 2
    old.refresh_from_db()
    assert old.version == first.version
    assert old.version.question("nom")["label"]["French (fr)"] == "Nom"
    assert first.survey.current_version == second.version


def test_an_invalid_questionnaire_creates_nothing():
    rows = [list(r) for r in SMALL_SURVEY]
    rows[6][0] = "select_one inconnue"
    with pytest.raises(FormError):
        import_form(build_xlsform(rows), "petit.xlsx")
    assert not Survey.objects.exists()
