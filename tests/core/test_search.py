"""Full-text search: accent-insensitive, French stemming, prefix on the last word."""

import pytest

from core import search
from directory.models import Company
from tests.factories import ClusterFactory, CompanyFactory, FiliereFactory

pytestmark = pytest.mark.django_db


def names(qs):
    return [obj.name for obj in qs]


def company_search(query):
    return search.filter_queryset(Company.objects.all(), "company", query)


def test_plural_query_finds_singular_word():
    CompanyFactory(name="Solaire Occitan", offer="Installation de panneaux, énergie solaire")
    CompanyFactory(name="Boulangerie Dupont", offer="Pain et viennoiseries")
    assert names(company_search("énergies")) == ["Solaire Occitan"]


def test_unaccented_query_finds_accented_name():
    CompanyFactory(name="Aéronautique du Sud")
    CompanyFactory(name="Mécanique Générale")
    assert names(company_search("aeronautique")) == ["Aéronautique du Sud"]
    assert names(company_search("MECANIQUE generale")) == ["Mécanique Générale"]


def test_last_word_is_matched_as_prefix():
    CompanyFactory(name="Mécatronique Alpine")
    CompanyFactory(name="Menuiserie Alpine")
    assert names(company_search("alpine mécat")) == ["Mécatronique Alpine"]
    # Only the last word is a prefix: "meca" in first position must be a whole word.
    assert names(company_search("meca alpine")) == []


def test_every_word_of_the_query_is_required():
    CompanyFactory(name="Usinage Précis", offer="usinage de pièces en titane")
    CompanyFactory(name="Fonderie Nord", offer="pièces en aluminium")
    assert names(company_search("pièces titane")) == ["Usinage Précis"]
    assert sorted(names(company_search("pièces"))) == sorted(["Fonderie Nord", "Usinage Précis"])


def test_name_match_ranks_before_description_match():
    CompanyFactory(name="Atelier Lambda", offer="nous travaillons avec le composite")
    CompanyFactory(name="Composite Ouest", offer="stratification")
    results = list(company_search("composite"))
    assert [c.name for c in results] == ["Composite Ouest", "Atelier Lambda"]
    assert results[0].search_rank > results[1].search_rank


def test_query_with_search_syntax_characters_is_treated_as_words():
    CompanyFactory(name="Plasturgie Rhône")
    for query in ['"plasturgie', "plasturgie*)(", "(plasturgie:*", "plasturgie & | ! ^"]:
        assert names(company_search(query)) == ["Plasturgie Rhône"]


def test_empty_query_returns_the_queryset_unchanged():
    CompanyFactory(name="A")
    CompanyFactory(name="B")
    assert names(company_search("  ,;  ")) == ["A", "B"]


def test_saving_a_company_updates_its_document():
    company = CompanyFactory(name="Ancienne Raison")
    company.name = "Nouvelle Raison"
    company.save()
    assert names(company_search("nouvelle")) == ["Nouvelle Raison"]
    assert names(company_search("ancienne")) == []


def test_deleting_a_company_removes_its_document():
    company = CompanyFactory(name="Disparue SAS")
    company.delete()
    assert search.indexed_count("company") == 0


def test_rebuild_indexes_rows_written_without_signals():
    Company.objects.bulk_create(
        [Company(siren=f"{i:09d}", name=f"Robotique {i}") for i in range(1, 4)]
    )
    assert names(company_search("robotique")) == []
    assert search.rebuild("company") == 3
    assert len(company_search("robotique")) == 3


def test_result_stays_a_queryset_that_filters_and_counts():
    CompanyFactory(name="Textile Lyonnais", headcount_band="11")
    CompanyFactory(name="Textile Roubaix", headcount_band="21")
    qs = company_search("textiles").filter(headcount_band="21")
    assert qs.count() == 1
    assert names(qs) == ["Textile Roubaix"]


def test_cluster_is_found_by_its_filiere_added_after_creation():
    cluster = ClusterFactory(name="Pôle Alpha")
    assert names(search.filter_queryset(cluster.__class__.objects.all(), "cluster", "navale")) == []
    cluster.filieres.add(FiliereFactory())
    found = search.filter_queryset(cluster.__class__.objects.all(), "cluster", "navales")
    assert names(found) == ["Pôle Alpha"]


def test_stop_words_alone_do_not_match_everything():
    CompanyFactory(name="Pôle de la mer")
    CompanyFactory(name="Agence du bois")
    assert names(company_search("pôle de la")) == ["Pôle de la mer"]


def test_typographic_apostrophes_separate_words():
    CompanyFactory(name="Traitement de l’eau du Sud")
    assert names(company_search("eau")) == ["Traitement de l’eau du Sud"]


@pytest.mark.parametrize(
    "text",
    [
        "Aéronautique, Spatiale & Défense",
        "L’eau de l’Œuvre — énergies « vertes »",
        "ÉCOLE\u00a0Supérieure 31000 Toulouse",
        "straße İstanbul fibre-optique/5G…",
        "  —  ",
        "",
    ],
)
def test_indexed_text_is_the_same_whether_analysed_whole_or_piece_by_piece(text):
    # analyse() caches whitespace-separated pieces; it must equal the plain analysis of
    # the whole text, word by word.
    whole = " ".join(search.stem(w) for w in search.words(text))
    assert search.analyse(text) == whole
    assert search.analyse(text) == whole  # a second time, from the cache
