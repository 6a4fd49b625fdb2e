"""Headline figure templates: validation and preview.

A headline sentence is a template filled from the results, never a typed number: the
operator writes « {percent} % des répondants… » and the figure follows the answers.
"""

from __future__ import annotations

import re
import string

from django.utils.translation import gettext as _

from surveys.models import SELECT_TYPES, HeadlineFigure, Survey, pick_label
from surveys.results import format_figure, survey_results

PLACEHOLDERS = ("percent", "count", "answered")
# A percentage typed by hand ("73 %", "65,5%"): the figure must come from {percent}.
_TYPED_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|pour\s*cent)", re.IGNORECASE)


def template_problems(template: str) -> list[str]:
    """Every reason `template` cannot be a headline sentence (empty when it can)."""
    allowed = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
    if not template.strip():
        return [_("Écrivez la phrase, avec {percent} à la place du chiffre.")]
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return [
            _(
                "Accolade isolée : les seules accolades permises entourent %s "
                "(écrivez {{ ou }} pour une accolade littérale)."
            )
            % allowed
        ]
    problems = []
    fields = []
    for literal, name, spec, conversion in parts:
        typed = _TYPED_PERCENT.search(literal or "")
        if typed:
            problems.append(
                _(
                    "« %s » est un chiffre tapé à la main : écrivez {percent}, le chiffre "
                    "est calculé à partir des réponses."
                )
                % typed.group(0).strip()
            )
        if name is None:
            continue
        fields.append(name)
        if name not in PLACEHOLDERS:
            problems.append(
                _("« {%(name)s} » n'existe pas : utilisez %(allowed)s.")
                % {"name": name, "allowed": allowed}
            )
        elif spec or conversion:
            problems.append(
                _("« {%s} » ne prend pas de format : l'arrondi se choisit plus bas.") % name
            )
    if "percent" not in fields and not problems:
        problems.append(_("La phrase doit contenir {percent}, remplacé par le chiffre calculé."))
    return problems


def question_targets(survey: Survey, language: str = "fr") -> list[tuple[str, list]]:
    """Select questions of the current version and their choices, for a <select>."""
    version = survey.current_version
    if version is None:
        return []
    groups = []
    for question in version.questions:
        if question["type"] not in SELECT_TYPES:
            continue
        label = pick_label(question.get("label"), language) or question["name"]
        # The question is repeated in each option (a closed <select> hides the optgroup),
        # after the choice so that a long question does not hide it.
        options = [
            (
                f"{question['name']}::{choice['name']}",
                f"« {pick_label(choice.get('label'), language) or choice['name']} » — {label}",
            )
            for choice in version.choices(question)
        ]
        groups.append((f"{label} ({question['name']})", options))
    return groups


def preview(survey: Survey, headline: HeadlineFigure, language: str = "fr", results=None):
    """The figure as the published report will print it, from the current answers."""
    results = results or survey_results(survey, language=language, published=True)
    result = next((q for q in results["questions"] if q["name"] == headline.question), None)
    return format_figure(headline, result)
