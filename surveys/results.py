"""Results of a survey: per question counts, percentages, number statistics, cross-tabs.

Everything is computed in Python from one query of the submitted responses' JSON answers
(plus one query of the linked clusters for cross-tabs): 1,000 responses × 40 questions is
40,000 dictionary look-ups, well under the 1 s budget (benchmarks/surveys.py).

Denominators: a question's `answered` is the number of respondents with a non-empty
answer to it; every percentage of a choice is count / answered (select_multiple: the
share of those who answered the question, so percentages may add up to more than 100).

Published results (anything shown to people who are not operators) go through small-cell
suppression: in cross-tabs, a group of fewer than MAPSTER_SMALL_CELL_THRESHOLD
respondents is merged into "Autres" and that group is hidden if it is still too small;
a survey with fewer respondents than the threshold publishes no distribution at all.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.utils.translation import gettext as _

from surveys.models import (
    NUMBER_TYPES,
    SELECT_TYPES,
    STRUCTURAL_TYPES,
    Response,
    Survey,
    pick_label,
)


def round_half_up(value: float, digits: int = 0) -> float:
    """Round as people do (64.5 -> 65), not as floats do (banker's rounding)."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def percent(count: int, answered: int) -> float | None:
    return round_half_up(100 * count / answered, 1) if answered else None


def threshold() -> int:
    return settings.MAPSTER_SMALL_CELL_THRESHOLD


@dataclass
class Rows:
    """The answers of the submitted responses, loaded once."""

    answers: list[dict]
    cluster_ids: list[int | None]


def load_rows(survey: Survey) -> Rows:
    data = list(
        Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED)
        .order_by("pk")
        .values_list("answers", "cluster_id")
    )
    return Rows([a for a, _c in data], [c for _a, c in data])


def _answered(value) -> bool:
    return value is not None and value != "" and value != []


def question_result(question: dict, choices: list[dict], values: list, language: str) -> dict:
    kind = question["type"]
    given = [v for v in values if _answered(v)]
    result = {
        "name": question["name"],
        "type": kind,
        "label": pick_label(question.get("label"), language) or question["name"],
        "answered": len(given),
    }
    if kind in SELECT_TYPES:
        counts: Counter = Counter()
        if kind == "select_multiple":
            for v in given:
                counts.update(set(v) if isinstance(v, list) else set(str(v).split()))
        else:
            counts.update(str(v) for v in given)
        result["choices"] = [
            {
                "name": c["name"],
                "label": pick_label(c.get("label"), language) or c["name"],
                "count": counts.get(c["name"], 0),
                "percent": percent(counts.get(c["name"], 0), len(given)),
            }
            for c in choices
        ]
    elif kind in NUMBER_TYPES:
        numbers = [float(v) for v in given if isinstance(v, int | float)]
        if numbers:
            result["stats"] = {
                "mean": round_half_up(statistics.fmean(numbers), 2),
                "median": statistics.median(numbers),
                "min": min(numbers),
                "max": max(numbers),
            }
        else:
            result["stats"] = {"mean": None, "median": None, "min": None, "max": None}
        if kind == "integer" and numbers:
            for key in ("median", "min", "max"):
                if float(result["stats"][key]).is_integer():
                    result["stats"][key] = int(result["stats"][key])
    return result


def survey_results(
    survey: Survey,
    *,
    language: str = "fr",
    published: bool = False,
    rows: Rows | None = None,
) -> dict:
    """The results document of the CLI, the API and the exports (see docs/surveys.md)."""
    version = survey.current_version
    rows = rows or load_rows(survey)
    document = {"survey": survey.slug, "respondents": len(rows.answers), "questions": []}
    if version is None:
        return document
    definition = version.definition
    hide = published and len(rows.answers) < threshold()
    for q in definition["questions"]:
        if q["type"] in STRUCTURAL_TYPES or q["type"] == "calculate":
            continue
        name = q["name"]
        values = [a.get(name) for a in rows.answers]
        choices = definition.get("choices", {}).get(q.get("list_name"), [])
        result = question_result(q, choices, values, language)
        if hide:
            for c in result.get("choices", []):
                c["count"], c["percent"] = None, None
            if "stats" in result:
                result["stats"] = {k: None for k in result["stats"]}
            result["suppressed"] = True
        document["questions"].append(result)
    return document


# --- cross-tabulation ----------------------------------------------------------------

MEMBER_BANDS = [
    (0, 49, "moins de 50 adhérents"),
    (50, 99, "50 à 99 adhérents"),
    (100, 249, "100 à 249 adhérents"),
    (250, 499, "250 à 499 adhérents"),
    (500, None, "500 adhérents et plus"),
]
DIMENSIONS = {
    "region": _("région"),
    "filiere": _("filière"),
    "members": _("nombre d'adhérents"),
}
# Questions that carry the same facts when a response is not linked to a cluster
# (anonymous barometers such as 2020's): found by name in the questionnaire.
ANSWER_FALLBACK = {"region": "region", "filiere": "filiere", "members": "nb_entreprises"}


def member_band(count) -> str | None:
    if count is None or count == "":
        return None
    count = int(count)
    for low, high, key in MEMBER_BANDS:
        if count >= low and (high is None or count <= high):
            return key
    return None


def _cluster_facts(cluster_ids: list[int | None]) -> dict[int, dict]:
    from directory.models import Cluster

    ids = {c for c in cluster_ids if c}
    if not ids:
        return {}
    facts: dict[int, dict] = {}
    clusters = Cluster.objects.filter(pk__in=ids).prefetch_related("regions")
    for cluster in clusters.select_related("main_filiere"):
        regions = list(cluster.regions.all())
        facts[cluster.pk] = {
            "region": (regions[0].code, regions[0].name) if regions else None,
            "filiere": (
                (cluster.main_filiere.slug, cluster.main_filiere.name)
                if cluster.main_filiere
                else None
            ),
            "members": member_band(cluster.declared_members),
        }
    return facts


def group_keys(survey: Survey, dimension: str, rows: Rows, language: str = "fr"):
    """(key, label) of each respondent's group for a dimension; None when unknown."""
    if dimension not in DIMENSIONS:
        raise ValueError(_("dimension inconnue : %s") % dimension)
    version = survey.current_version
    definition = version.definition if version else {"questions": [], "choices": {}}
    facts = _cluster_facts(rows.cluster_ids)
    fallback = next(
        (q for q in definition["questions"] if q.get("name") == ANSWER_FALLBACK[dimension]), None
    )
    labels = {}
    if fallback and fallback.get("list_name"):
        labels = {
            c["name"]: pick_label(c.get("label"), language)
            for c in definition["choices"].get(fallback["list_name"], [])
        }
    keys = []
    for answers, cluster_id in zip(rows.answers, rows.cluster_ids, strict=True):
        key = None
        if cluster_id and cluster_id in facts:
            found = facts[cluster_id][dimension]
            if dimension == "members":
                key = (found, found) if found else None
            elif found:
                key = found
        if key is None and fallback is not None:
            value = answers.get(fallback["name"])
            if dimension == "members":
                band = member_band(value)
                key = (band, band) if band else None
            elif _answered(value):
                key = (str(value), labels.get(str(value), str(value)))
        keys.append(key)
    return keys


def crosstab(
    survey: Survey,
    question_name: str,
    dimension: str,
    *,
    published: bool = False,
    language: str = "fr",
    rows: Rows | None = None,
) -> dict:
    version = survey.current_version
    question = version.question(question_name) if version else None
    if question is None or question["type"] in STRUCTURAL_TYPES:
        raise ValueError(_("question inconnue : %s") % question_name)
    rows = rows or load_rows(survey)
    keys = group_keys(survey, dimension, rows, language)
    members: dict = defaultdict(list)
    labels: dict = {}
    for (answers, _cluster), key in zip(
        zip(rows.answers, rows.cluster_ids, strict=True), keys, strict=True
    ):
        group = key[0] if key else None
        labels[group] = key[1] if key else _("non renseigné")
        members[group].append(answers.get(question_name))
    choices = version.choices(question)
    groups = sorted(members.items(), key=lambda item: (item[0] is None, -len(item[1])))
    suppressed = 0
    if published:
        small = [g for g in groups if len(g[1]) < threshold()]
        groups = [g for g in groups if len(g[1]) >= threshold()]
        if small:
            merged = [v for _g, values in small for v in values]
            if len(merged) >= threshold():
                groups.append(("_autres", merged))
                labels["_autres"] = _("autres (groupes de moins de %d répondants)") % threshold()
            else:
                suppressed = len(small)
    table = []
    for group, values in groups:
        entry = question_result(question, choices, values, language)
        table.append(
            {
                "key": group,
                "label": labels[group],
                "respondents": len(values),
                "answered": entry["answered"],
                **{k: entry[k] for k in ("choices", "stats") if k in entry},
            }
        )
    return {
        "question": question_name,
        "dimension": dimension,
        "dimension_label": str(DIMENSIONS[dimension]),
        "groups": table,
        "hidden_groups": suppressed,
    }


# --- headline figures ---------------------------------------------------------------

_FRACTION_DENOMINATORS = (2, 3, 4, 5, 10)


def simple_fraction(share: float) -> str:
    """Nearest simple fraction people say aloud ("1/3" for 33.3 %)."""
    best = min(
        (Fraction(round(share * d), d) for d in _FRACTION_DENOMINATORS),
        key=lambda f: (abs(float(f) - share), f.denominator),
    )
    return f"{best.numerator}/{best.denominator}"


def format_figure(headline, result: dict | None) -> dict:
    """The figure and its sentence for a HeadlineFigure, from the question's results."""
    choice = None
    if result:
        choice = next((c for c in result.get("choices", []) if c["name"] == headline.choice), None)
    if choice is None or not result["answered"] or choice["count"] is None:
        return {"value": None, "display": "—", "sentence": "", "headline": headline}
    share = choice["count"] / result["answered"]
    if headline.rounding == headline.Rounding.FRACTION:
        value = simple_fraction(share)
        display = value
    else:
        digits = int(headline.rounding)
        number = round_half_up(100 * share, digits)
        value = f"{number:.{digits}f}"
        if headline.decimal_separator != ".":
            value = value.replace(".", headline.decimal_separator)
        display = f"{value}\u00a0%"
    sentence = headline.template.format(
        percent=value, count=choice["count"], answered=result["answered"]
    )
    return {
        "value": value,
        "display": display,
        "sentence": sentence,
        "count": choice["count"],
        "answered": result["answered"],
        "question_label": result["label"],
        "choice_label": choice["label"],
        "headline": headline,
    }


def headline_figures(survey: Survey, results: dict) -> list[dict]:
    by_name = {q["name"]: q for q in results["questions"]}
    return [format_figure(h, by_name.get(h.question)) for h in survey.headlines.all()]
