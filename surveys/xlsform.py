"""XLSForm (.xlsx with sheets survey, choices, settings) to and from a survey definition.

The definition is the JSON stored in SurveyVersion.definition:

    {
      "settings": {"form_title": ..., "form_id": ..., "version": ..., "default_language": ...},
      "languages": ["French (fr)", "English (en)"],     # "" for unqualified `label` columns
      "questions": [
        {"type": "select_one", "name": "difficultes", "list_name": "difficultes",
         "label": {"French (fr)": "...", "English (en)": "..."}, "hint": {...},
         "required": true, "relevant": "${x} = 'oui'", "constraint": ". >= 0",
         "constraint_message": {...}, "extra": {"appearance": "minimal"}}
        # begin_group / end_group / note rows are kept in place, in sheet order
      ],
      "choices": {"difficultes": [{"name": "pas_reelles", "label": {...}, "extra": {}}]}
    }

`parse_xlsform` checks the form twice: with its own reading (types, names, choice lists,
expressions through surveys.xlsform_expr) and with pyxform's XForm conversion, and
raises FormError listing every problem by sheet, row and column. `export_xlsform`
writes a definition back so that parse(export(parse(x))) == parse(x).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field

import openpyxl
from django.utils.translation import gettext as _

from surveys.models import QUESTION_TYPES, SELECT_TYPES
from surveys.xlsform_expr import ExpressionError, parse, references

TRANSLATABLE = ("label", "hint", "constraint_message", "required_message")
KNOWN_SURVEY_COLUMNS = {"type", "name", "required", "relevant", "constraint", "calculation"}
TYPE_ALIASES = {
    "begin group": "begin_group",
    "end group": "end_group",
    "int": "integer",
    "string": "text",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "select multiple": "select_multiple",
}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
TRUE_WORDS = {"yes", "true", "true()", "1", "oui"}


@dataclass
class FormProblem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = [self.sheet]
        if self.row:
            where.append(_("ligne %s") % self.row)
        if self.column:
            where.append(_("colonne « %s »") % self.column)
        return f"{', '.join(where)} : {self.message}"

    def as_dict(self):
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class FormError(Exception):
    problems: list[FormProblem] = field(default_factory=list)

    def __str__(self):
        return "\n".join(str(p) for p in self.problems)


@dataclass
class ParsedForm:
    definition: dict
    warnings: list[str]
    xform: str
    checksum: str


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_sheet(wb, name: str) -> tuple[list[str], list[tuple[int, dict]]] | None:
    sheet = next((ws for ws in wb.worksheets if ws.title.strip().lower() == name), None)
    if sheet is None:
        return None
    rows = sheet.iter_rows(values_only=True)
    header: list[str] = []
    for header_row in rows:
        header = [_cell(v) for v in header_row]
        if any(header):
            break
    records = []
    # Row numbers as Excel shows them: the header is row 1 in every form seen in practice.
    for number, values in enumerate(rows, start=2):
        record = {
            header[i]: _cell(v)
            for i, v in enumerate(values)
            if i < len(header) and header[i] and _cell(v) != ""
        }
        if record:
            records.append((number, record))
    return header, records


def _split_translated(record: dict, base: str) -> dict:
    out = {}
    for key, value in record.items():
        if key == base:
            out[""] = value
        elif key.startswith(base + "::"):
            out[key[len(base) + 2 :].strip()] = value
    return out


def _extras(record: dict, known: set[str]) -> dict:
    return {
        k: v
        for k, v in record.items()
        if k not in known and not any(k == t or k.startswith(t + "::") for t in TRANSLATABLE)
    }


def read_definition(content: bytes) -> tuple[dict, list[FormProblem]]:
    """Our own reading of the workbook, with every problem found."""
    problems: list[FormProblem] = []
    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-xlsx upload
        message = _("fichier .xlsx illisible : %s") % exc
        raise FormError([FormProblem("fichier", None, None, message)]) from None
    survey = _read_sheet(wb, "survey")
    choices_sheet = _read_sheet(wb, "choices")
    settings_sheet = _read_sheet(wb, "settings")
    if survey is None:
        raise FormError([FormProblem("survey", None, None, _("feuille « survey » absente"))])

    settings: dict = {}
    if settings_sheet and settings_sheet[1]:
        settings = dict(settings_sheet[1][0][1])

    languages: list[str] = []

    def note_languages(translated: dict):
        for lang in translated:
            if lang not in languages:
                languages.append(lang)

    choices: dict[str, list[dict]] = {}
    if choices_sheet:
        header = choices_sheet[0]
        if "list_name" not in header and "list name" in header:
            header = [("list_name" if h == "list name" else h) for h in header]
        for row, record in choices_sheet[1]:
            list_name = record.get("list_name") or record.get("list name", "")
            name = record.get("name", "")
            if not list_name:
                problems.append(FormProblem("choices", row, "list_name", _("nom de liste vide")))
                continue
            if not name:
                problems.append(FormProblem("choices", row, "name", _("nom de choix vide")))
                continue
            items = choices.setdefault(list_name, [])
            if any(c["name"] == name for c in items):
                problems.append(
                    FormProblem(
                        "choices", row, "name", _("choix « %s » en double dans la liste") % name
                    )
                )
                continue
            label = _split_translated(record, "label")
            note_languages(label)
            items.append(
                {
                    "name": name,
                    "label": label,
                    "extra": _extras(record, {"list_name", "list name", "name"}),
                }
            )

    questions: list[dict] = []
    names: dict[str, int] = {}
    depth = 0
    for row, record in survey[1]:
        raw_type = record.get("type", "")
        if not raw_type:
            if set(record) - {"type"}:
                problems.append(FormProblem("survey", row, "type", _("type vide")))
            continue
        parts = raw_type.split()
        kind = TYPE_ALIASES.get(raw_type.lower()) or TYPE_ALIASES.get(
            " ".join(parts[:-1]).lower(), parts[0].lower()
        )
        list_name = ""
        if kind in SELECT_TYPES:
            if len(parts) < 2:
                problems.append(
                    FormProblem("survey", row, "type", _("%s sans nom de liste") % kind)
                )
                continue
            list_name = parts[-1]
            if list_name not in choices:
                problems.append(
                    FormProblem(
                        "survey",
                        row,
                        "type",
                        _("liste « %s » absente de la feuille choices") % list_name,
                    )
                )
        elif kind not in QUESTION_TYPES:
            problems.append(
                FormProblem("survey", row, "type", _("type « %s » non pris en charge") % raw_type)
            )
            continue
        name = record.get("name", "")
        if kind == "end_group":
            depth -= 1
            if depth < 0:
                problems.append(FormProblem("survey", row, "type", _("end_group sans begin_group")))
                depth = 0
        elif not name:
            problems.append(FormProblem("survey", row, "name", _("nom vide")))
            continue
        elif not _NAME.match(name):
            problems.append(
                FormProblem(
                    "survey",
                    row,
                    "name",
                    _("nom « %s » invalide (lettres, chiffres, _ ; commence par une lettre)")
                    % name,
                )
            )
        elif name in names:
            problems.append(
                FormProblem(
                    "survey",
                    row,
                    "name",
                    _("nom « %(name)s » déjà utilisé ligne %(row)s")
                    % {"name": name, "row": names[name]},
                )
            )
        else:
            names[name] = row
        if kind == "begin_group":
            depth += 1
        question = {"type": kind, "name": name}
        if list_name:
            question["list_name"] = list_name
        for key in TRANSLATABLE:
            translated = _split_translated(record, key)
            if translated:
                question[key] = translated
                if key == "label":
                    note_languages(translated)
        if record.get("required"):
            question["required"] = record["required"].strip().lower() in TRUE_WORDS
        for key in ("relevant", "constraint", "calculation"):
            if record.get(key):
                question[key] = record[key]
        extra = _extras(record, KNOWN_SURVEY_COLUMNS)
        if extra:
            question["extra"] = extra
        question["_row"] = row
        questions.append(question)
    if depth > 0:
        problems.append(FormProblem("survey", None, "type", _("begin_group sans end_group")))

    # Expressions: syntax, and references to names that exist.
    for q in questions:
        for key in ("relevant", "constraint", "calculation"):
            text = q.get(key)
            if not text:
                continue
            try:
                parse(text)
                missing = sorted(references(text) - set(names))
            except ExpressionError as exc:
                problems.append(FormProblem("survey", q["_row"], key, str(exc)))
                continue
            for ref in missing:
                problems.append(
                    FormProblem("survey", q["_row"], key, _("question « %s » inconnue") % ref)
                )
    for q in questions:
        q.pop("_row")
    definition = {
        "settings": settings,
        "languages": languages,
        "questions": questions,
        "choices": choices,
    }
    return definition, problems


_PYX_ROW = re.compile(r"\[row\s*:\s*(\d+)\]")
_PYX_SHEET = re.compile(r"[Oo]n the '(\w+)' sheet")
_PYX_COLUMN = re.compile(r"the '([\w:() ]+)' value")


def pyxform_problem(message: str) -> FormProblem:
    row = _PYX_ROW.search(message)
    sheet = _PYX_SHEET.search(message)
    column = _PYX_COLUMN.search(message)
    text = _PYX_ROW.sub("", message).strip()
    return FormProblem(
        sheet.group(1) if sheet else "survey" if row else "formulaire",
        int(row.group(1)) if row else None,
        column.group(1) if column else None,
        "pyxform : " + text,
    )


def parse_xlsform(content: bytes) -> ParsedForm:
    """Read and validate an XLSForm; raise FormError with every problem found."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    definition, problems = read_definition(content)
    warnings: list[str] = []
    xform = ""
    try:
        xform = convert(content, warnings=warnings, file_type=".xlsx").xform
    except PyXFormError as exc:
        problem = pyxform_problem(str(exc))
        # Ours usually says the same thing in French at the same place; keep one.
        if not any(p.row == problem.row and p.sheet == problem.sheet for p in problems):
            problems.append(problem)
    except Exception as exc:  # pyxform raises plain errors for some malformed sheets
        problems.append(FormProblem("formulaire", None, None, f"pyxform : {exc}"))
    if problems:
        raise FormError(problems)
    return ParsedForm(definition, warnings, xform, hashlib.sha256(content).hexdigest())


def export_xlsform(definition: dict) -> bytes:
    """Write a definition back as an XLSForm workbook."""
    languages = definition.get("languages") or [""]

    def translated_columns(rows: list[dict], keys) -> list[tuple[str, str]]:
        columns = []
        for key in keys:
            langs = []
            for r in rows:
                for lang in r.get(key, {}) or {}:
                    if lang not in langs:
                        langs.append(lang)
            ordered = [lg for lg in languages if lg in langs] + [
                lg for lg in langs if lg not in languages
            ]
            columns += [(key, lang) for lang in ordered]
        return columns

    def header(key, lang):
        return f"{key}::{lang}" if lang else key

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    questions = definition.get("questions", [])
    label_cols = translated_columns(questions, ("label", "hint"))
    message_cols = translated_columns(questions, ("constraint_message", "required_message"))
    extra_cols: list[str] = []
    for q in questions:
        for k in q.get("extra", {}):
            if k not in extra_cols:
                extra_cols.append(k)
    plain = ["required", "relevant", "constraint"]
    if any(q.get("calculation") for q in questions):
        plain.append("calculation")
    ws.append(
        ["type", "name"]
        + [header(k, lg) for k, lg in label_cols]
        + plain
        + [header(k, lg) for k, lg in message_cols]
        + extra_cols
    )
    for q in questions:
        kind = q["type"]
        type_cell = f"{kind} {q['list_name']}" if kind in SELECT_TYPES else kind
        required = q.get("required")
        ws.append(
            [type_cell, q.get("name", "")]
            + [(q.get(k) or {}).get(lg) for k, lg in label_cols]
            + [
                ("yes" if required else "no") if required is not None else None,
                q.get("relevant"),
                q.get("constraint"),
            ]
            + ([q.get("calculation")] if "calculation" in plain else [])
            + [(q.get(k) or {}).get(lg) for k, lg in message_cols]
            + [q.get("extra", {}).get(k) for k in extra_cols]
        )
    cs = wb.create_sheet("choices")
    all_choices = [c for items in definition.get("choices", {}).values() for c in items]
    choice_label_cols = translated_columns(all_choices, ("label",))
    choice_extra: list[str] = []
    for c in all_choices:
        for k in c.get("extra", {}):
            if k not in choice_extra:
                choice_extra.append(k)
    cs.append(["list_name", "name"] + [header(k, lg) for k, lg in choice_label_cols] + choice_extra)
    for list_name, items in definition.get("choices", {}).items():
        for c in items:
            cs.append(
                [list_name, c["name"]]
                + [c.get("label", {}).get(lg) for _k, lg in choice_label_cols]
                + [c.get("extra", {}).get(k) for k in choice_extra]
            )
    settings = definition.get("settings") or {}
    if settings:
        ss = wb.create_sheet("settings")
        ss.append(list(settings))
        ss.append(list(settings.values()))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
