"""Survey results and report: timings against baselines run in the same process.

- results of 1,000 responses × 40 questions (budget 1 s) vs a plain pandas group-by
  over the same answers (already in memory, so the baseline has no database cost);
- the report page as HTML (budget 1 s) vs the barometer list page;
- the report as PDF (budget 5 s) vs WeasyPrint on a one-page document of the same
  results table without charts.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

QUESTIONS = 40
RESPONSES = 1000


def best_of(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def synthetic_survey():
    """40 questions (select_one, select_multiple, integer, decimal) and 1,000 answers."""
    from surveys.models import Response, Survey, SurveyVersion

    rng = random.Random(2020)
    choices = {
        "cinq": [{"name": f"c{i}", "label": {"": f"Choix {i}"}} for i in range(5)],
        "six": [{"name": f"m{i}", "label": {"": f"Option {i}"}} for i in range(6)],
    }
    questions = []
    for i in range(QUESTIONS):
        kind = ["select_one", "select_one", "select_multiple", "integer", "decimal"][i % 5]
        q = {"type": kind, "name": f"q{i}", "label": {"": f"Question {i}"}}
        if kind == "select_one":
            q["list_name"] = "cinq"
        elif kind == "select_multiple":
            q["list_name"] = "six"
        questions.append(q)
    definition = {"settings": {}, "languages": [""], "questions": questions, "choices": choices}
    survey = Survey.objects.create(slug="bench", title="Benchmark", published=True, is_demo=True)
    version = SurveyVersion.objects.create(survey=survey, number=1, definition=definition)
    rows = []
    for n in range(RESPONSES):
        answers = {}
        for q in questions:
            if rng.random() < 0.1:
                continue  # about 10 % unanswered, so denominators differ
            if q["type"] == "select_one":
                answers[q["name"]] = f"c{rng.randrange(5)}"
            elif q["type"] == "select_multiple":
                answers[q["name"]] = sorted({f"m{rng.randrange(6)}" for _ in range(3)})
            elif q["type"] == "integer":
                answers[q["name"]] = rng.randrange(0, 500)
            else:
                answers[q["name"]] = round(rng.uniform(0, 100), 2)
        rows.append(
            Response(
                survey=survey,
                version=version,
                status="submitted",
                external_uuid=f"b{n}",
                answers=answers,
            )
        )
    Response.objects.bulk_create(rows, batch_size=500)
    return survey


def pandas_baseline(answers: list[dict], definition: dict) -> dict:
    import pandas as pd

    long = pd.DataFrame(
        [(i, k, v) for i, a in enumerate(answers) for k, v in a.items()],
        columns=["respondent", "question", "value"],
    )
    answered = long.groupby("question")["respondent"].nunique()
    exploded = long.explode("value")
    kinds = {q["name"]: q["type"] for q in definition["questions"]}
    selects = exploded[exploded["question"].map(kinds).str.startswith("select")]
    counts = selects.groupby(["question", "value"]).size()
    numbers = long[long["question"].map(kinds).isin(["integer", "decimal"])].copy()
    numbers["value"] = numbers["value"].astype(float)
    stats = numbers.groupby("question")["value"].agg(["mean", "median", "min", "max"])
    return {"answered": answered, "counts": counts, "stats": stats}


def report_survey():
    """The 2020 barometer when the shared fixtures are there, else the synthetic one."""
    from surveys.models import Survey
    from surveys.services import load_barometre_2020

    fixtures = Path(os.environ.get("MAPSTER_FIXTURES_DIR", ""))
    if (fixtures / "barometre-2020").is_dir():
        survey, _summary = load_barometre_2020(fixtures)
        return survey
    return Survey.objects.get(slug="bench")


def run():
    import logging

    from django.template.loader import render_to_string
    from django.test import Client
    from weasyprint import HTML

    from surveys.report import build_report, render_pdf
    from surveys.results import load_rows, survey_results

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    survey = synthetic_survey()
    definition = survey.current_version.definition
    ours = best_of(lambda: survey_results(survey))
    rows = load_rows(survey)
    baseline = best_of(lambda: pandas_baseline(rows.answers, definition))
    check = survey_results(survey, rows=rows)
    pandas_result = pandas_baseline(rows.answers, definition)
    assert check["questions"][0]["answered"] == int(pandas_result["answered"]["q0"])
    print(
        f"   results {RESPONSES} answers × {QUESTIONS} questions: {ours * 1000:.1f} ms "
        f"(budget 1000 ms, database read included) · pandas group-by on the same answers "
        f"in memory: {baseline * 1000:.1f} ms · ratio {ours / baseline:.2f}"
    )

    report = report_survey()
    client = Client()
    page = best_of(lambda: client.get(f"/barometres/{report.slug}/rapport/"), repeat=3)
    trivial = best_of(lambda: client.get("/barometres/"), repeat=3)
    print(
        f"   report HTML ({report.slug}): {page * 1000:.1f} ms (budget 1000 ms) · "
        f"barometer list page: {trivial * 1000:.1f} ms · ratio {page / trivial:.2f}"
    )

    def full_pdf():
        html = render_to_string("surveys/report_print.html", build_report(report))
        return render_pdf(html, base_url="http://localhost/")

    results = survey_results(report, published=True)
    table = "".join(
        f"<tr><td>{q['label']}</td><td>{q['answered']}</td></tr>" for q in results["questions"]
    )
    plain = f"<html><body><h1>{report.title}</h1><table>{table}</table></body></html>"
    pdf = best_of(full_pdf, repeat=2)
    plain_pdf = best_of(lambda: HTML(string=plain).write_pdf(), repeat=2)
    print(
        f"   report PDF ({report.slug}): {pdf:.2f} s (budget 5 s) · one-page PDF of the "
        f"same table without charts: {plain_pdf:.2f} s · ratio {pdf / plain_pdf:.1f}"
    )
