"""Exports of answers (CSV, XLSX) and results (CSV, XLSX, JSON).

Formula injection: a cell starting with = + - @ (or tab / carriage return) is run as a
formula by spreadsheet software. `safe_cell` prefixes such text with an apostrophe, as
OWASP recommends. core/exports.py (branch directory-web) will hold the project-wide
helper; until it is merged this module carries its own, and switches to it when present.
"""

from __future__ import annotations

import csv
import io
import json

import openpyxl

from surveys.models import STRUCTURAL_TYPES, Response, Survey, pick_label

try:  # pragma: no cover - depends on merge order
    from core.exports import safe_cell as _core_safe_cell  # type: ignore[import-not-found]
except ImportError:
    _core_safe_cell = None

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if _core_safe_cell is not None:
        return _core_safe_cell(value)
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        # A plain negative number is data, not a formula.
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def _csv_bytes(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    # BOM: Excel opens UTF-8 CSV correctly only with it.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_bytes(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append([safe_cell(h) for h in header])
        for row in rows:
            ws.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- answers ------------------------------------------------------------------------


def answers_table(survey: Survey) -> tuple[list[str], list[list]]:
    """One row per submitted response, in the Kobo/ODK export layout we import."""
    version = survey.current_version
    names = [
        q["name"]
        for q in (version.questions if version else [])
        if q["type"] not in STRUCTURAL_TYPES
    ]
    header = ["_uuid", "_submission_time", *names]
    rows = []
    responses = Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED)
    for uuid, at, answers in responses.order_by("submitted_at", "pk").values_list(
        "external_uuid", "submitted_at", "answers"
    ):
        row = [uuid, at.isoformat() if at else ""]
        for name in names:
            value = answers.get(name)
            row.append(" ".join(value) if isinstance(value, list) else value)
        rows.append(row)
    return header, rows


def answers_csv(survey: Survey) -> bytes:
    header, rows = answers_table(survey)
    return _csv_bytes(header, ([("" if v is None else v) for v in row] for row in rows))


def answers_xlsx(survey: Survey) -> bytes:
    header, rows = answers_table(survey)
    return _xlsx_bytes([("reponses", header, rows)])


# --- results ------------------------------------------------------------------------

RESULT_HEADER = [
    "question",
    "type",
    "libelle",
    "repondants_question",
    "choix",
    "libelle_choix",
    "nombre",
    "pourcentage",
    "moyenne",
    "mediane",
    "min",
    "max",
]


def results_rows(results: dict) -> list[list]:
    rows = []
    for q in results["questions"]:
        base = [q["name"], q["type"], q["label"], q["answered"]]
        if "choices" in q:
            for c in q["choices"]:
                rows.append(base + [c["name"], c["label"], c["count"], c["percent"]] + [None] * 4)
        elif "stats" in q:
            s = q["stats"]
            rows.append(base + [None] * 4 + [s["mean"], s["median"], s["min"], s["max"]])
        else:
            rows.append(base + [None] * 8)
    return rows


def results_csv(results: dict) -> bytes:
    return _csv_bytes(
        RESULT_HEADER, ([("" if v is None else v) for v in row] for row in results_rows(results))
    )


def results_xlsx(results: dict) -> bytes:
    summary = [["baromètre", results["survey"]], ["répondants", results["respondents"]]]
    return _xlsx_bytes(
        [
            ("resultats", RESULT_HEADER, results_rows(results)),
            ("resume", ["cle", "valeur"], summary),
        ]
    )


def results_json(results: dict) -> bytes:
    return json.dumps(results, ensure_ascii=False, indent=2).encode("utf-8")


def question_label(question: dict, language: str = "fr") -> str:
    return pick_label(question.get("label"), language) or question["name"]
