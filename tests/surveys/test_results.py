import pytest

from surveys.models import Response
from surveys.results import crosstab, member_band, survey_results
from tests.factories import ClusterFactory, FiliereFactory, RegionFactory

pytestmark = pytest.mark.django_db


def _answer(survey, answers, **kwargs):
    return Response.objects.create(
        survey=survey,
        version=survey.current_version,
        status=kwargs.pop("status", "submitted"),
        answers=answers,
        **kwargs,
    )


def _question(results, name):
    return next(q for q in results["questions"] if q["name"] == name)


def test_percentages_are_over_those_who_answered_the_question(small_survey):
    _answer(small_survey, {"nom": "A", "difficultes": "oui", "causes": ["demande", "appro"]})
    _answer(small_survey, {"nom": "B", "difficultes": "oui", "causes": ["demande"]})
    _answer(small_survey, {"nom": "C", "difficultes": "non"})
    _answer(small_survey, {"nom": "D"})
    results = survey_results(small_survey)
    assert results["respondents"] == 4
    difficulties = _question(results, "difficultes")
    assert difficulties["answered"] == 3
    assert [(c["name"], c["count"], c["percent"]) for c in difficulties["choices"]] == [
        ("oui", 2, 66.7),
        ("non", 1, 33.3),
    ]
    causes = _question(results, "causes")
    # select_multiple: share of the 2 who answered; the total exceeds 100 %.
    assert causes["answered"] == 2
    assert {c["name"]: c["percent"] for c in causes["choices"]} == {
        "demande": 100.0,
        "appro": 50.0,
        "tresorerie": 0.0,
    }


def test_number_statistics_are_mean_median_min_max(small_survey):
    for n in (10, 20, 40, 35):
        _answer(small_survey, {"nom": "x", "adherents": n, "budget": n / 10})
    stats = _question(survey_results(small_survey), "adherents")["stats"]
    assert stats == {"mean": 26.25, "median": 27.5, "min": 10, "max": 40}
    assert "choices" not in _question(survey_results(small_survey), "adherents")


def test_drafts_are_not_counted(small_survey):
    _answer(small_survey, {"nom": "A", "difficultes": "oui"})
    _answer(small_survey, {"nom": "B", "difficultes": "non"}, status="draft")
    assert survey_results(small_survey)["respondents"] == 1


def test_results_document_has_the_documented_shape(small_survey):
    _answer(small_survey, {"nom": "A", "difficultes": "oui", "adherents": 3})
    results = survey_results(small_survey)
    assert set(results) == {"survey", "respondents", "questions"}
    by_type = {q["type"]: q for q in results["questions"]}
    assert set(by_type["select_one"]) == {"name", "type", "label", "answered", "choices"}
    assert set(by_type["select_one"]["choices"][0]) == {"name", "label", "count", "percent"}
    assert set(by_type["integer"]) == {"name", "type", "label", "answered", "stats"}
    assert set(by_type["text"]) == {"name", "type", "label", "answered"}
    assert "note" not in by_type and "begin_group" not in by_type


def test_crosstab_uses_the_linked_clusters_region_filiere_and_member_band(small_survey):
    occitanie = RegionFactory(code="76", name="Occitanie")
    bretagne = RegionFactory(code="53", name="Bretagne", slug="bretagne")
    filiere = FiliereFactory()
    for i in range(6):
        cluster = ClusterFactory(main_filiere=filiere, declared_members=120)
        cluster.regions.add(occitanie if i < 5 else bretagne)
        _answer(
            small_survey, {"nom": "x", "difficultes": "oui" if i < 3 else "non"}, cluster=cluster
        )
    table = crosstab(small_survey, "difficultes", "region")
    assert [(g["label"], g["respondents"]) for g in table["groups"]] == [
        ("Occitanie", 5),
        ("Bretagne", 1),
    ]
    occ = table["groups"][0]
    assert [(c["name"], c["count"]) for c in occ["choices"]] == [("oui", 3), ("non", 2)]
    assert crosstab(small_survey, "difficultes", "filiere")["groups"][0]["respondents"] == 6
    bands = crosstab(small_survey, "difficultes", "members")["groups"]
    assert bands[0]["label"] == member_band(120) == "100 à 249 adhérents"


def test_published_crosstabs_hide_groups_below_the_threshold(small_survey, settings):
    settings.MAPSTER_SMALL_CELL_THRESHOLD = 5
    occitanie = RegionFactory(code="76", name="Occitanie")
    bretagne = RegionFactory(code="53", name="Bretagne", slug="bretagne")
    for i in range(7):
        cluster = ClusterFactory()
        cluster.regions.add(occitanie if i < 5 else bretagne)
        _answer(small_survey, {"nom": "x", "difficultes": "oui"}, cluster=cluster)
    published = crosstab(small_survey, "difficultes", "region", published=True)
    assert [g["label"] for g in published["groups"]] == ["Occitanie"]
    assert published["hidden_groups"] == 1
    internal = crosstab(small_survey, "difficultes", "region", published=False)
    assert [g["label"] for g in internal["groups"]] == ["Occitanie", "Bretagne"]


def test_small_groups_are_merged_when_together_they_reach_the_threshold(barometre_2020):
    table = crosstab(barometre_2020, "difficultes", "region", published=True)
    assert all(g["respondents"] >= 5 for g in table["groups"])
    assert table["groups"][-1]["key"] == "_autres"
    assert sum(g["respondents"] for g in table["groups"]) == 70


def test_a_survey_with_too_few_respondents_publishes_no_distribution(small_survey):
    _answer(small_survey, {"nom": "A", "difficultes": "oui"})
    published = survey_results(small_survey, published=True)
    difficulties = _question(published, "difficultes")
    assert difficulties["suppressed"] is True
    assert {c["count"] for c in difficulties["choices"]} == {None}
    assert _question(survey_results(small_survey), "difficultes")["choices"][0]["count"] == 1


def test_anonymous_answers_are_crossed_by_the_questionnaires_own_region(barometre_2020):
    table = crosstab(barometre_2020, "perte_emploi", "region")
    labels = {g["label"] for g in table["groups"]}
    assert "Auvergne-Rhône-Alpes" in labels
    assert sum(g["respondents"] for g in table["groups"]) == 70
