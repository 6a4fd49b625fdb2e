import pytest

from surveys.xlsform import FormError, export_xlsform, parse_xlsform, pyxform_problem
from tests.fixtures.surveys import SMALL_CHOICES, SMALL_SURVEY, build_xlsform


def test_barometre_questionnaire_is_read_with_its_languages_and_skip_logic(fixtures_dir):
    content = (fixtures_dir / "barometre-2020" / "questionnaire.xlsx").read_bytes()
    definition = parse_xlsform(content).definition
    names = [q["name"] for q in definition["questions"]]
    assert names[:4] == ["cluster_nom", "region", "filiere", "nb_entreprises"]
    follow_up = next(q for q in definition["questions"] if q["name"] == "types_opportunites")
    assert follow_up["type"] == "select_multiple"
    assert follow_up["relevant"] == "${opportunites} = 'oui'"
    assert follow_up["label"]["English (en)"] == "What did these new opportunities bear on?"
    assert definition["languages"] == ["French (fr)", "English (en)"]
    assert [c["name"] for c in definition["choices"]["risque"]] == [
        "tres_faible",
        "faible",
        "moyen",
        "eleve",
    ]


def test_every_supported_type_groups_required_and_constraint_messages_are_kept():
    definition = parse_xlsform(build_xlsform()).definition
    types = [q["type"] for q in definition["questions"]]
    assert types == [
        "text",
        "begin_group",
        "integer",
        "decimal",
        "date",
        "end_group",
        "select_one",
        "select_multiple",
        "note",
    ]
    members = definition["questions"][2]
    assert members["constraint"] == ". >= 0 and . < 100000"
    assert members["constraint_message"] == {"French (fr)": "Un nombre positif"}
    assert definition["questions"][0]["required"] is True


@pytest.mark.parametrize("source", ["small", "barometre"])
def test_export_then_import_gives_the_same_survey(source, fixtures_dir):
    if source == "small":
        content = build_xlsform()
    else:
        content = (fixtures_dir / "barometre-2020" / "questionnaire.xlsx").read_bytes()
    first = parse_xlsform(content).definition
    exported = export_xlsform(first)
    second = parse_xlsform(exported).definition
    assert second == first
    assert parse_xlsform(export_xlsform(second)).definition == first


def _problems(content):
    with pytest.raises(FormError) as info:
        parse_xlsform(content)
    return info.value.problems


def test_unknown_choice_list_is_reported_at_its_sheet_row_and_column():
    rows = [list(r) for r in SMALL_SURVEY]
    rows[6][0] = "select_one inexistante"
    problems = _problems(build_xlsform(rows))
    assert any(
        p.sheet == "survey" and p.row == 8 and p.column == "type" and "inexistante" in p.message
        for p in problems
    )


def test_bad_relevant_expression_is_reported_with_its_cell():
    rows = [list(r) for r in SMALL_SURVEY]
    rows[7][5] = "${difficultes} = = 'oui'"
    problems = _problems(build_xlsform(rows))
    assert [(p.sheet, p.row, p.column) for p in problems][0] == ("survey", 9, "relevant")


def test_reference_to_an_unknown_question_is_reported():
    rows = [list(r) for r in SMALL_SURVEY]
    rows[7][5] = "${nulle_part} = 'oui'"
    problems = _problems(build_xlsform(rows))
    assert any(p.row == 9 and "nulle_part" in p.message for p in problems)


def test_duplicate_names_and_unsupported_types_are_each_reported():
    rows = [list(r) for r in SMALL_SURVEY]
    rows[3][1] = "adherents"
    rows.append(["geopoint", "lieu", "Lieu", "Place", None, None, None, None])
    problems = _problems(build_xlsform(rows))
    assert {(p.row, p.column) for p in problems} >= {(5, "name"), (11, "type")}


def test_duplicate_choice_is_reported_on_the_choices_sheet():
    choices = [list(r) for r in SMALL_CHOICES] + [["oui_non", "oui", "Oui", "Yes"]]
    problems = _problems(build_xlsform(choices_rows=choices))
    assert any(p.sheet == "choices" and p.row == 7 and p.column == "name" for p in problems)


def test_pyxform_errors_are_captured_with_their_sheet_and_row():
    # Only pyxform checks that a calculate row has a calculation.
    rows = [list(r) for r in SMALL_SURVEY]
    rows.append(["calculate", "total", None, None, None, None, None, None])
    problems = _problems(build_xlsform(rows))
    assert [(p.sheet, p.row) for p in problems] == [("survey", 11)]
    assert problems[0].message.startswith("pyxform")


def test_pyxform_messages_are_split_into_sheet_row_and_column():
    problem = pyxform_problem(
        "[row : 7] On the 'survey' sheet, the 'relevant' value is invalid. Could not find 'x'."
    )
    assert (problem.sheet, problem.row, problem.column) == ("survey", 7, "relevant")


def test_a_file_that_is_not_xlsx_is_rejected_with_a_message():
    problems = _problems(b"not a workbook")
    assert "illisible" in problems[0].message
