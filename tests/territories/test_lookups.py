"""Lookups used by every import: communes by code or by postal code and name, régions by name."""

import pytest

from territories.lookups import (
    CommuneIndex,
    RegionIndex,
    find_commune,
    resolve_commune,
    resolve_region,
)
from tests.fixtures.reference import reference_bundle

# How people write régions in real spreadsheets and forms → INSEE région codes.
REGION_SPELLINGS = [
    ("Occitanie", ("76",)),
    ("OCCITANIE", ("76",)),
    ("Nouvelle-Aquitaine", ("75",)),
    ("Nouvelle Aquitaine", ("75",)),
    ("nouvelle aquitaine", ("75",)),
    ("Ile de France", ("11",)),
    ("Île-de-France", ("11",)),
    ("IDF", ("11",)),
    ("Paris Region", ("11",)),
    ("Auvergne-Rhône-Alpes", ("84",)),
    ("AURA", ("84",)),
    ("Auvergne Rhone Alpes", ("84",)),
    ("Rhône-Alpes", ("84",)),
    ("Auvergne", ("84",)),
    ("BFC", ("27",)),
    ("Bourgogne-Franche-Comté", ("27",)),
    ("Franche-Comté", ("27",)),
    ("Bourgogne", ("27",)),
    ("Hauts de France", ("32",)),
    ("HAUTS-DE-FRANCE", ("32",)),
    ("Nord-Pas-de-Calais", ("32",)),
    ("Picardie", ("32",)),
    ("SUD-PACA", ("93",)),
    ("Région Sud", ("93",)),
    ("PACA", ("93",)),
    ("Provence-Alpes-Côte d'Azur", ("93",)),
    ("Provence Alpes Cote d Azur", ("93",)),
    ("Sud", ("93",)),
    ("Grand Est", ("44",)),
    ("Grand-Est", ("44",)),
    ("Alsace", ("44",)),
    ("Lorraine", ("44",)),
    ("Champagne-Ardenne", ("44",)),
    ("Normandie", ("28",)),
    ("Haute-Normandie", ("28",)),
    ("Basse Normandie", ("28",)),
    ("Bretagne", ("53",)),
    ("Pays de la Loire", ("52",)),
    ("Pays-de-la-Loire", ("52",)),
    ("Centre-Val de Loire", ("24",)),
    ("Centre Val-de-Loire", ("24",)),
    ("Corse", ("94",)),
    ("Languedoc-Roussillon", ("76",)),
    ("Midi-Pyrénées", ("76",)),
    ("Aquitaine", ("75",)),
    ("Poitou-Charentes", ("75",)),
    ("Limousin", ("75",)),
    ("La Réunion", ("04",)),
    ("Reunion", ("04",)),
    ("Guadeloupe", ("01",)),
    ("Martinique", ("02",)),
    ("Guyane", ("03",)),
    ("Mayotte", ("06",)),
    ("Région Occitanie", ("76",)),
    ("region Bretagne", ("53",)),
    ("SUD / Occitanie", ("93", "76")),
    ("Occitanie / Nouvelle-Aquitaine", ("76", "75")),
    ("IDF & Hauts-de-France", ("11", "32")),
    ("Bretagne, Pays de la Loire", ("53", "52")),
    ("Auvergne-Rhône-Alpes et Bourgogne-Franche-Comté", ("84", "27")),
    ("ex-Aquitaine", ("75",)),
]

NOT_REGIONS = [
    "silver économie et santé",
    "santé",
    "numérique",
    "France",
    "national",
    "Toulouse",
    "Europe",
    "NA",
    "SUD / santé",
    "",
    "   ",
    None,
]


@pytest.fixture(scope="module")
def regions():
    """Built from the bundle's région names: the same index as RegionIndex.build(), no DB."""

    return RegionIndex({code: row["name"] for code, row in reference_bundle().regions.items()})


@pytest.fixture(scope="module")
def index():
    return CommuneIndex.from_bundle(reference_bundle())


@pytest.mark.parametrize("text, codes", REGION_SPELLINGS)
def test_region_spellings_resolve_to_their_regions(regions, text, codes):
    match = regions.resolve(text)
    assert match.is_region
    assert match.codes == codes


@pytest.mark.parametrize("text", NOT_REGIONS)
def test_texts_that_are_not_regions_are_never_guessed(regions, text):
    match = regions.resolve(text)
    assert not match
    assert match.codes == ()
    assert match.reason in ("not a région", "empty")


def test_resolve_region_one_off_returns_region_objects(reference):
    match = resolve_region("SUD / Occitanie")
    assert [r.name for r in match.regions] == ["Provence-Alpes-Côte d'Azur", "Occitanie"]
    assert resolve_region("Nouvelle Aquitaine").regions[0].name == "Nouvelle-Aquitaine"
    assert resolve_region("silver économie et santé").reason == "not a région"


def test_resolve_commune_by_current_and_former_code(reference):
    assert resolve_commune("31555").name == "Toulouse"
    assert resolve_commune("69232").code == "69123"  # merged into Lyon
    assert resolve_commune(" 31555 ").code == "31555"
    assert resolve_commune("99999") is None
    assert resolve_commune("") is None


@pytest.mark.parametrize(
    "postal_code, name, code",
    [
        ("31000", "Toulouse", "31555"),
        ("31000", "TOULOUSE", "31555"),
        ("31100", "toulouse", "31555"),
        ("31650", "ST ORENS DE GAMEVILLE", "31506"),
        ("31650", "Saint-Orens-de-Gameville", "31506"),
        ("31650", "st-orens-de-gameville", "31506"),
        ("33130", "BEGLES", "33039"),
        ("33130", "Bègles", "33039"),
        ("31700", "Blagnac", "31069"),
        ("31079", "TOULOUSE CEDEX 9", "31555"),  # a CEDEX code: found by name in 31
        ("75008", "PARIS", "75056"),
        ("75008", "Paris 8e Arrondissement", "75056"),
        ("69003", "LYON 03", "69123"),
        ("13001", "Marseille", "13055"),
        ("59000", "Lille", "59350"),
        ("31440", "Lez", "31471"),  # commune déléguée name → its commune nouvelle
        ("31440", "Saint-Béat-Lez", "31471"),
    ],
)
def test_find_commune_ignores_accents_case_and_saint_abbreviations(index, postal_code, name, code):
    commune = index.find(postal_code, name)
    assert commune is not None, (postal_code, name)
    assert commune.code == code


@pytest.mark.parametrize(
    "postal_code, name",
    [
        ("31000", "Bordeaux"),  # the name is not a commune of that postal code's area
        ("31000", ""),
        ("", "Nowhere"),
        ("99999", "Toulouse"),
    ],
)
def test_find_commune_returns_none_rather_than_guess(index, postal_code, name):
    assert index.find(postal_code, name) is None


def test_commune_index_resolves_former_codes_without_queries(
    commune_index, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert commune_index.resolve("33110").code == "33063"
        assert commune_index.resolve("31555").code == "31555"
        assert commune_index.find("33000", "BORDEAUX").code == "33063"


def test_find_commune_one_off(reference):
    assert find_commune("31650", "St Orens de Gameville").code == "31506"


def test_commune_index_build_limited_to_departements(reference):
    index = CommuneIndex.build(departements=["33"])
    assert index.resolve("33063") is not None
    assert index.resolve("31555") is None
