"""Checking one submission against its questionnaire.

Used by the CSV importer and by the web answer form (branch campaigns-showcase): both
call `clean_submission` and store what it returns, so a web answer and an imported
answer obey exactly the same rules. Stable API:

    coerce(question, raw) -> value              raise AnswerError (bad number, date, choice)
    clean_submission(definition, raw_answers, *, partial=False) -> (answers, errors)
    relevant_names(definition, answers) -> set of names whose `relevant` holds

`raw_answers` maps question names to raw strings (select_multiple: space-separated, or a
list); empty string / None / missing means not answered. `errors` is a list of
AnswerError with `.question`, `.code` and `.message` (French). `partial=True` (drafts)
skips the "required" check.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from surveys.models import NUMBER_TYPES, STRUCTURAL_TYPES, pick_label
from surveys.xlsform_expr import ExpressionError, is_true

_INTEGER = re.compile(r"^[+-]?\d+$")


@dataclass
class AnswerError(Exception):
    question: str
    code: str  # bad_number, bad_date, unknown_choice, constraint, not_relevant, required, unknown
    message: str

    def __str__(self):
        return f"{self.question}: {self.message}"


def choice_names(definition: dict, question: dict) -> list[str]:
    return [c["name"] for c in definition.get("choices", {}).get(question.get("list_name"), [])]


def _is_blank(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, list | tuple):
        return len(raw) == 0
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return str(raw).strip() == ""


def coerce(question: dict, raw, definition: dict | None = None):
    """Convert a raw answer to its stored type; None when blank."""
    if _is_blank(raw):
        return None
    kind, name = question["type"], question["name"]
    if kind == "integer":
        if isinstance(raw, bool):
            raise AnswerError(name, "bad_number", _("nombre entier attendu"))
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        text = str(raw).strip().replace("\u202f", "").replace(" ", "")
        if not _INTEGER.match(text):
            raise AnswerError(name, "bad_number", _("nombre entier attendu, « %s » reçu") % raw)
        return int(text)
    if kind == "decimal":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        text = str(raw).strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise AnswerError(
                name, "bad_number", _("nombre décimal attendu, « %s » reçu") % raw
            ) from None
        if math.isnan(value) or math.isinf(value):
            raise AnswerError(name, "bad_number", _("nombre décimal attendu, « %s » reçu") % raw)
        return value
    if kind == "date":
        if isinstance(raw, datetime.datetime):
            return raw.date().isoformat()
        if isinstance(raw, datetime.date):
            return raw.isoformat()
        text = str(raw).strip()
        try:
            return datetime.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise AnswerError(
                name, "bad_date", _("date AAAA-MM-JJ attendue, « %s » reçu") % raw
            ) from None
    if kind in ("select_one", "select_multiple"):
        allowed = choice_names(definition or {}, question)
        values = (
            [str(v).strip() for v in raw]
            if isinstance(raw, list | tuple)
            else str(raw).split()
            if kind == "select_multiple"
            else [str(raw).strip()]
        )
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise AnswerError(
                name,
                "unknown_choice",
                _("choix inconnu « %(value)s » (choix possibles : %(allowed)s)")
                % {"value": " ".join(unknown), "allowed": ", ".join(allowed)},
            )
        if kind == "select_one":
            return values[0]
        # Keep the questionnaire's order and drop duplicates: results count each once.
        chosen = set(values)
        return [v for v in allowed if v in chosen]
    return str(raw).strip()


def relevant_names(definition: dict, answers: dict) -> set[str]:
    """Names of the questions shown given these answers (group relevance included)."""
    shown: set[str] = set()
    stack: list[bool] = []
    for q in definition.get("questions", []):
        kind = q["type"]
        parent_ok = all(stack)
        if kind == "end_group":
            if stack:
                stack.pop()
            continue
        ok = parent_ok
        if ok and q.get("relevant"):
            try:
                ok = is_true(q["relevant"], answers)
            except ExpressionError:
                ok = True
        if kind == "begin_group":
            stack.append(ok)
            continue
        if ok:
            shown.add(q["name"])
    return shown


def clean_submission(
    definition: dict, raw_answers: dict, *, partial: bool = False, language: str = "fr"
) -> tuple[dict, list[AnswerError]]:
    """Typed answers of one submission and every rule it breaks."""
    questions = [q for q in definition.get("questions", []) if q["type"] not in STRUCTURAL_TYPES]
    known = {q["name"] for q in questions}
    errors: list[AnswerError] = []
    answers: dict = {}
    for name in raw_answers:
        if name not in known:
            errors.append(AnswerError(name, "unknown", _("question inconnue")))
    for q in questions:
        if q["type"] == "calculate":
            continue
        try:
            value = coerce(q, raw_answers.get(q["name"]), definition)
        except AnswerError as exc:
            errors.append(exc)
            continue
        if value is not None:
            answers[q["name"]] = value
    shown = relevant_names(definition, answers)
    for q in questions:
        name = q["name"]
        value = answers.get(name)
        if name not in shown:
            if value is not None:
                errors.append(
                    AnswerError(
                        name,
                        "not_relevant",
                        _("réponse à une question exclue par sa condition « %s »")
                        % (q.get("relevant") or _("du groupe")),
                    )
                )
                answers.pop(name)
            continue
        if value is None:
            if q.get("required") and not partial:
                errors.append(AnswerError(name, "required", _("réponse obligatoire")))
            continue
        if q.get("constraint"):
            try:
                current = " ".join(value) if isinstance(value, list) else value
                ok = is_true(q["constraint"], answers, current=current)
            except ExpressionError:
                ok = True
            if not ok:
                message = (
                    pick_label(q.get("constraint_message"), language)
                    or _("contrainte non respectée : %s") % q["constraint"]
                )
                errors.append(AnswerError(name, "constraint", message))
    return answers, errors


def is_answered(value) -> bool:
    return not _is_blank(value)


__all__ = [
    "AnswerError",
    "NUMBER_TYPES",
    "choice_names",
    "clean_submission",
    "coerce",
    "is_answered",
    "relevant_names",
]
