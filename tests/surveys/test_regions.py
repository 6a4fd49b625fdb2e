import pytest

from surveys.regions import region_index, region_name, resolve_regions
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("SUD / Occitanie", ["Provence-Alpes-Côte d'Azur", "Occitanie"]),
        ("SUD-PACA", ["Provence-Alpes-Côte d'Azur"]),
        ("SUD-PACA / Occitanie", ["Provence-Alpes-Côte d'Azur", "Occitanie"]),
        ("Nouvelle Aquitaine", ["Nouvelle-Aquitaine"]),
        ("Ile de France", ["Île-de-France"]),
        ("Bourgogne-Franche Comté", ["Bourgogne-Franche-Comté"]),
        ("Auvergne-Rhône-Alpes", ["Auvergne-Rhône-Alpes"]),
    ],
)
def test_seed_spellings_resolve_to_official_regions_without_reference_data(text, names):
    codes, unknown = resolve_regions(text)
    assert [region_name(c) for c in codes] == names
    assert unknown == []


def test_text_that_names_no_region_is_flagged_as_typed():
    assert resolve_regions("silver économie et santé") == ([], ["silver économie et santé"])
    assert resolve_regions("") == ([], [])


def test_loaded_reference_regions_are_used_when_present():
    RegionFactory(code="75", name="Nouvelle-Aquitaine", slug="nouvelle-aquitaine")
    index = region_index()
    codes, _unknown = resolve_regions("Nouvelle Aquitaine", index)
    assert codes == ["75"]
    assert region_name("75", index) == "Nouvelle-Aquitaine"
    # Only the loaded régions are known then.
    assert resolve_regions("Bretagne", index) == ([], ["Bretagne"])
