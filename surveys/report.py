"""The publishable report of a barometer: everything its HTML page and PDF show.

Figures are never typed: the headline sentences are HeadlineFigure templates filled
from the results, and every chart comes with the table of its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from surveys import charts
from surveys.models import Response, Survey, pick_label
from surveys.regions import region_index, region_name, resolve_regions
from surveys.results import headline_figures, survey_results

# Questions holding a report example, by default (the 2020 questionnaire's names);
# a survey may name others in survey.report["examples"].
EXAMPLE_FIELDS = {
    "category": "exemple_categorie",
    "filiere": "exemple_filiere",
    "region": "exemple_region",
    "description": "exemple_description",
}


@dataclass
class Example:
    category: str
    category_label: str
    filiere: str
    region_text: str
    regions: list[str]
    region_unmapped: list[str]
    description: str
    source: str = "survey"

    @property
    def region_display(self) -> str:
        return " / ".join(self.regions)


@dataclass
class Section:
    title: str
    intro: str = ""
    figures: list[dict] = field(default_factory=list)
    example_groups: list[tuple[str, list[Example]]] = field(default_factory=list)


def _category_labels(survey: Survey, language: str) -> tuple[dict, dict]:
    """Labels and order of the example categories, from the questionnaire's choices."""
    version = survey.current_version
    names = {**EXAMPLE_FIELDS, **((survey.report or {}).get("examples") or {})}
    question = version.question(names["category"]) if version else None
    if question is None:
        return {}, {}
    choices = version.choices(question)
    labels = {c["name"]: pick_label(c.get("label"), language) for c in choices}
    return labels, {c["name"]: i for i, c in enumerate(choices)}


def _showcase_examples(survey: Survey, language: str = "fr") -> list[Example] | None:
    """Published examples of the showcase catalogue (branch campaigns-showcase), if any.

    survey.report["showcase"] = {"provenance": "seed_2020"} names which catalogue rows
    belong to this report. None (not an empty list) means "take them from the answers".
    """
    spec = (survey.report or {}).get("showcase")
    if not spec:
        return None
    try:
        from showcase.models import Example as ShowcaseExample
    except ImportError:
        return None
    if not hasattr(ShowcaseExample, "region_label"):
        return None
    rows = ShowcaseExample.objects.filter(status="published", **spec).prefetch_related("regions")
    labels, order = _category_labels(survey, language)
    index = region_index()
    found = []
    for row in rows.order_by("pk"):
        region_text = row.region_label or ""
        regions = [r.name for r in row.regions.all()]
        unknown: list[str] = []
        if not regions:
            # The catalogue maps régions against the loaded reference only.
            codes, unknown = resolve_regions(region_text, index)
            regions = [region_name(c, index) for c in codes]
        found.append(
            Example(
                category=row.category,
                category_label=labels.get(row.category) or row.get_category_display(),
                filiere=row.filiere_label,
                region_text=region_text,
                regions=regions,
                region_unmapped=unknown,
                description=row.description,
                source="showcase",
            )
        )
    found.sort(key=lambda e: order.get(e.category, len(order)))
    return found or None


def survey_examples(survey: Survey, language: str = "fr") -> list[Example]:
    """The examples respondents gave, in the order of the category list."""
    showcase = _showcase_examples(survey, language)
    if showcase is not None:
        return showcase
    version = survey.current_version
    if version is None:
        return []
    names = {**EXAMPLE_FIELDS, **(survey.report.get("examples") or {})}
    question = version.question(names["category"])
    if question is None:
        return []
    choices = version.choices(question)
    order = {c["name"]: i for i, c in enumerate(choices)}
    labels = {c["name"]: pick_label(c.get("label"), language) for c in choices}
    examples = []
    index = region_index()
    answers = Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED)
    for data in answers.order_by("submitted_at", "pk").values_list("answers", flat=True):
        category = data.get(names["category"])
        description = data.get(names["description"])
        if not category or not description:
            continue
        region_text = data.get(names["region"], "")
        codes, unknown = resolve_regions(region_text, index)
        examples.append(
            Example(
                category=category,
                category_label=labels.get(category, category),
                filiere=data.get(names["filiere"], ""),
                region_text=region_text,
                regions=[region_name(c, index) for c in codes],
                region_unmapped=unknown,
                description=description,
            )
        )
    examples.sort(key=lambda e: order.get(e.category, len(order)))
    return examples


def _table_rows(question: dict) -> list[dict]:
    return question.get("choices", [])


def build_report(survey: Survey, language: str = "fr") -> dict:
    results = survey_results(survey, language=language, published=True)
    figures = headline_figures(survey, results)
    examples = survey_examples(survey, language)
    layout = survey.report or {}
    sections: list[Section] = []
    by_title: dict[str, Section] = {}
    for spec in layout.get("sections", []):
        section = Section(spec["title"], spec.get("intro", ""))
        sections.append(section)
        by_title[section.title] = section
    placed_categories: set[str] = set()
    for spec, section in zip(layout.get("sections", []), sections, strict=True):
        for category in spec.get("example_categories", []):
            group = [e for e in examples if e.category == category]
            if group:
                section.example_groups.append((group[0].category_label, group))
                placed_categories.add(category)
    for figure in figures:
        title = figure["headline"].section or ""
        if title not in by_title:
            by_title[title] = Section(title)
            sections.append(by_title[title])
        by_title[title].figures.append(figure)
    leftovers = [e for e in examples if e.category not in placed_categories]
    if leftovers:
        other = Section("Exemples")
        for category in dict.fromkeys(e.category for e in leftovers):
            group = [e for e in leftovers if e.category == category]
            other.example_groups.append((group[0].category_label, group))
        sections.append(other)

    example_names = set((survey.report.get("examples") or EXAMPLE_FIELDS).values())
    charted = []
    for question in results["questions"]:
        if question["name"] in example_names or question.get("suppressed"):
            continue
        chart = charts.chart_for(question)
        if chart or "stats" in question:
            charted.append({"question": question, "chart": chart, "rows": _table_rows(question)})
    return {
        "survey": survey,
        "title": layout.get("title") or survey.title,
        "source": layout.get("source", ""),
        "results": results,
        "figures": figures,
        "sections": sections,
        "examples": examples,
        "example_count": len(examples),
        "unmapped_examples": [e for e in examples if e.region_unmapped],
        "charted": charted,
        "generated_at": timezone.now(),
        "threshold": settings.MAPSTER_SMALL_CELL_THRESHOLD,
    }


def render_pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()
