"""The questionnaire as the answer page renders it, and the raw answers read back.

The page gets every `relevant`, `constraint` and message as data attributes so that
static/js/answer-form.js can apply them while the person types; the server checks
everything again with surveys.answers.clean_submission.
"""

from __future__ import annotations

from surveys.models import STRUCTURAL_TYPES, pick_label
from surveys.xlsform_expr import ExpressionError, is_true

INPUT_TYPES = {"integer": "number", "decimal": "number", "date": "date", "text": "text"}


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value).split()


def read_raw(definition: dict, data) -> dict:
    """Raw answers from a QueryDict (or dict), for the questions of the form only."""

    raw: dict = {}
    for q in definition.get("questions", []):
        if q["type"] in STRUCTURAL_TYPES or q["type"] == "calculate":
            continue
        name = q["name"]
        if q["type"] == "select_multiple":
            values = data.getlist(name) if hasattr(data, "getlist") else _as_list(data.get(name))
            values = [v for v in values if v]
            if values:
                raw[name] = values
        else:
            value = data.get(name)
            if value is not None and str(value).strip() != "":
                raw[name] = str(value).strip()[:5000]
    return raw


def items(definition: dict, values: dict, errors: dict, language: str = "fr") -> list[dict]:
    """Flat list of what to draw: group starts and ends, notes and questions.

    Initial visibility is computed here with the Python evaluator, so the page is
    right before (and without) JavaScript.
    """

    out: list[dict] = []
    stack: list[bool] = []
    for q in definition.get("questions", []):
        kind = q["type"]
        if kind == "calculate":
            continue
        if kind == "end_group":
            if stack:
                stack.pop()
            out.append({"kind": "group_end"})
            continue
        visible = all(stack)
        if visible and q.get("relevant"):
            try:
                visible = is_true(q["relevant"], values)
            except ExpressionError:
                visible = True
        item = {
            "kind": kind,
            "name": q["name"],
            "id": f"q-{q['name']}",
            "label": pick_label(q.get("label"), language) or q["name"],
            "hint": pick_label(q.get("hint"), language),
            "required": bool(q.get("required")),
            "relevant": q.get("relevant") or "",
            "constraint": q.get("constraint") or "",
            "constraint_message": pick_label(q.get("constraint_message"), language),
            "hidden": not visible,
            "error": errors.get(q["name"], ""),
        }
        if kind == "begin_group":
            stack.append(visible)
            item["kind"] = "group_start"
            out.append(item)
            continue
        if kind == "note":
            out.append(item)
            continue
        value = values.get(q["name"])
        item["input_type"] = INPUT_TYPES.get(kind, "text")
        item["step"] = "any" if kind == "decimal" else "1"
        appearance = str((q.get("extra") or {}).get("appearance", ""))
        item["multiline"] = kind == "text" and (
            "multiline" in appearance or q["name"].endswith("description")
        )
        if kind in ("select_one", "select_multiple"):
            chosen = set(_as_list(value)) if kind == "select_multiple" else {str(value or "")}
            list_name = q.get("list_name") or ""
            item["choices"] = [
                {
                    "name": c["name"],
                    "label": pick_label(c.get("label"), language) or c["name"],
                    "checked": c["name"] in chosen,
                    "id": f"q-{q['name']}-{i}",
                }
                for i, c in enumerate(definition.get("choices", {}).get(list_name, []))
            ]
            item["widget"] = "radio" if kind == "select_one" else "checkbox"
            if kind == "select_one" and len(item["choices"]) > 6:
                item["widget"] = "select"
        else:
            item["value"] = "" if value is None else value
        out.append(item)
    return out
