"""`mapster reference load`: subset and full loads, idempotence, bad input, new vintages."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from territories import loader
from territories.loader import ReferenceDataError, load, read_bundle
from territories.lookups import resolve_commune
from territories.models import (
    EPCI,
    Commune,
    Departement,
    FormerCommuneCode,
    PostalCode,
    Region,
    Source,
    TerritoireIndustrie,
)
from tests.factories import CompanyFactory
from tests.fixtures.reference import REFERENCE_DEPARTEMENTS, reference_bundle

REFERENCE = Path(loader.reference_dir())


def _table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Region, Departement, EPCI, Commune, FormerCommuneCode, PostalCode, Source)
    }


def test_reference_fixture_loads_every_region_and_the_communes_of_its_departements(reference):
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
    # Boundaries exist for metropolitan France only.
    assert Region.objects.exclude(geometry=None).count() == 13
    assert Departement.objects.exclude(geometry=None).count() == 96
    assert set(Commune.objects.values_list("departement", flat=True).distinct()) == set(
        REFERENCE_DEPARTEMENTS
    )
    toulouse = Commune.objects.get(code="31555")
    assert toulouse.name == "Toulouse"
    assert toulouse.name_key == "toulouse"
    assert toulouse.region_id == "76"
    assert toulouse.epci.kind == "METRO"
    assert toulouse.zone_emploi.name == "Toulouse"
    assert "31000" in toulouse.postal_codes
    assert PostalCode.objects.filter(code="31000", commune=toulouse).exists()
    assert toulouse.lat == pytest.approx(43.6, abs=0.1)
    assert toulouse.centre_method == "centroid-2018"
    assert toulouse.programmes["crte"]


def test_arrondissements_are_linked_to_their_city(reference):
    paris = Commune.objects.get(code="75056")
    assert paris.arrondissements.count() == 20
    assert set(
        Commune.objects.get(code="13201").city.arrondissements.values_list("code", flat=True)
    ) >= {"13201", "13216"}
    lyon_3 = Commune.objects.get(code="69383")
    assert lyon_3.kind == Commune.Kind.ARRONDISSEMENT
    assert lyon_3.city_id == "69123"
    # An arrondissement belongs to its city's EPCI and zone d'emploi.
    assert lyon_3.epci_id == Commune.objects.get(code="69123").epci_id
    assert lyon_3.zone_emploi_id == Commune.objects.get(code="69123").zone_emploi_id


def test_sources_carry_licence_attribution_and_checksum(reference):
    zones = Source.objects.get(key="zones-emploi")
    assert zones.licence.startswith("ODbL")
    assert "COGugaison" in zones.attribution
    assert Source.objects.get(key="communes-centres-predecesseurs").licence.startswith("ODbL")
    communes = Source.objects.get(key="cog-communes")
    assert communes.vintage == "COG 2026"
    assert len(communes.checksum) == 64
    assert Source.objects.filter(checksum="").count() == 0


def test_second_load_changes_nothing(reference):
    assert reference.changes > 0
    again = load(bundle=reference_bundle())
    assert again.changes == 0
    assert again.summary_lines()[-1] == "0 changes"


def test_former_codes_resolve_to_todays_commune(reference):
    # Saint-Rambert-l'Île-Barbe joined Lyon in 1963; Caudéran joined Bordeaux in 1965.
    assert resolve_commune("69232").code == "69123"
    assert resolve_commune("33110").code == "33063"
    # A commune déléguée keeps its name on the former code.
    former = FormerCommuneCode.objects.get(code="31298")
    assert former.name == "Lez"
    assert former.commune_id == "31471"
    # No current code is ever also a former code.
    assert not FormerCommuneCode.objects.filter(code__in=Commune.objects.values("code")).exists()


def test_territoires_industrie_of_the_second_generation_have_communes_and_epci(reference):
    ti = TerritoireIndustrie.objects.get(slug="aa-dunkerque-flandre-2023-2027")
    assert ti.region_id == "32"
    assert set(ti.departements.values_list("code", flat=True)) == {"59", "62"}
    # Only the Nord communes are in the subset; their EPCI are derived from them.
    assert ti.communes.count() > 0
    assert set(ti.communes.values_list("departement", flat=True)) == {"59"}
    assert set(ti.epcis.values_list("siren", flat=True)) == set(
        ti.communes.values_list("epci", flat=True)
    )
    first = TerritoireIndustrie.objects.filter(generation="2018-2022")
    assert first.count() == 73
    assert not first.filter(communes__isnull=False).exists()


def test_command_prints_a_summary_and_zero_changes_the_second_time(db):
    out = StringIO()
    call_command("reference", "load", "--departement", "75", "--no-progress", stdout=out)
    first = out.getvalue()
    assert "communes" in first
    assert "\n0 changes\n" not in first
    out = StringIO()
    call_command("reference", "load", "--departement", "75", "--no-progress", stdout=out)
    assert "\n0 changes\n" in out.getvalue()


def test_unset_reference_dir_is_a_clear_error(db, settings, monkeypatch):
    settings.MAPSTER_REFERENCE_DIR = ""
    monkeypatch.delenv("MAPSTER_REFERENCE_DIR", raising=False)
    with pytest.raises(CommandError, match="MAPSTER_REFERENCE_DIR is not set"):
        call_command("reference", "load", "--no-progress", stdout=StringIO())


def test_unknown_departement_filter_is_refused(db):
    with pytest.raises(ReferenceDataError, match="unknown département"):
        read_bundle(departements=["31", "XX"])


# --- Bad input: a copied, broken bundle -------------------------------------


@pytest.fixture
def broken_dir(tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def _rewrite(path: Path, old: str, new: str, count: int = 1):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _break_missing_file(d):
    (d / "communes-centres.csv").unlink()
    return "communes-centres.csv", "file not found"


def _break_missing_column(d):
    _rewrite(d / "zones-emploi.csv", "code_insee,nom,ze2020", "code_insee,nom,zone")
    return "zones-emploi.csv", "missing column(s) ['ze2020']"


def _break_json(d):
    path = d / "regions.geojson"
    path.write_text(path.read_text()[:-200])
    return "regions.geojson", "not valid UTF-8 JSON"


def _break_coordinates(d):
    _rewrite(d / "communes-centres.csv", "46.15360,4.92582", "46.15360,4,92582")
    return "communes-centres.csv", "more values than columns"


def _break_latitude(d):
    _rewrite(d / "communes-centres.csv", "46.15360,4.92582", "146.15360,4.92582")
    return "communes-centres.csv", "line 2, column lat: '146.15360' is not a coordinate"


def _break_csv_encoding(d):
    path = d / "territoires-industrie.csv"
    path.write_bytes(path.read_bytes().replace("Île".encode(), "Île".encode("latin-1"), 1))
    return "territoires-industrie.csv", "not valid UTF-8"


def _break_unknown_zone(d):
    _rewrite(d / "zones-emploi.csv", "L'Abergement-Clémenciat,8405", "L'Abergement-Clémenciat,9999")
    return "zones-emploi.csv", "zone d'emploi '9999' is not in zones-emploi-libelles.csv"


@pytest.mark.parametrize(
    "breaker",
    [
        _break_missing_file,
        _break_missing_column,
        _break_json,
        _break_coordinates,
        _break_latitude,
        _break_csv_encoding,
        _break_unknown_zone,
    ],
)
def test_broken_reference_file_stops_the_load_and_writes_nothing(reference, broken_dir, breaker):
    filename, expected = breaker(broken_dir)
    before = _table_counts()
    with pytest.raises(ReferenceDataError) as excinfo:
        load(ref=broken_dir, departements=REFERENCE_DEPARTEMENTS)
    message = str(excinfo.value)
    assert filename in message
    assert expected in message
    assert _table_counts() == before


def test_failure_while_writing_rolls_back_everything(reference, monkeypatch):
    from territories import loader as module

    bundle = read_bundle(departements=["31"])
    bundle.communes["31555"]["name"] = "Toulouse renommée"

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "sync_pairs", explode)
    with pytest.raises(RuntimeError):
        load(bundle=bundle)
    assert Commune.objects.get(code="31555").name == "Toulouse"
    assert Commune.objects.filter(departement="33").exists()


# --- New vintage ---------------------------------------------------------------


@pytest.fixture
def next_vintage(tmp_path):
    """A synthetic next COG: Blagnac absorbs Beauzelle and Toulouse changes its name."""

    cog = tmp_path / "cog"
    shutil.copytree(loader.cog_dir(), cog)
    communes = json.loads((cog / "communes.json").read_text())
    kept = []
    for row in communes:
        if row["code"] == "31056" and row["type"] == "commune-actuelle":
            continue  # Beauzelle disappears
        if row["code"] == "31069" and row["type"] == "commune-actuelle":
            row = {**row, "anciensCodes": [*row.get("anciensCodes", []), "31056"]}
            row["population"] = row["population"] + 7000
        if row["code"] == "31555" and row["type"] == "commune-actuelle":
            row = {**row, "nom": "Toulouse-sur-Garonne"}
        kept.append(row)
    (cog / "communes.json").write_text(json.dumps(kept, ensure_ascii=False))
    epci = json.loads((cog / "epci.json").read_text())
    for e in epci:
        e["membres"] = [m for m in e["membres"] if m["code"] != "31056"]
    (cog / "epci.json").write_text(json.dumps(epci, ensure_ascii=False))
    return cog


def test_new_vintage_repoints_references_to_the_successor(db, next_vintage):
    load(departements=["31"])
    beauzelle = Commune.objects.get(code="31056")
    company = CompanyFactory(commune=beauzelle)
    untouched = CompanyFactory(commune=Commune.objects.get(code="31555"))

    report = load(cog=next_vintage, departements=["31"])

    assert report.table("communes").deleted == 1
    assert report.table("communes").updated == 2  # Blagnac's population, Toulouse's name
    assert not Commune.objects.filter(code="31056").exists()
    company.refresh_from_db()
    assert company.commune_id == "31069"
    untouched.refresh_from_db()
    assert untouched.commune.name == "Toulouse-sur-Garonne"
    assert Commune.objects.get(code="31555").name_key == "toulouse sur garonne"
    assert FormerCommuneCode.objects.get(code="31056").commune_id == "31069"
    assert resolve_commune("31056").code == "31069"
    # A company registered under the pre-merger code still finds today's commune.
    assert resolve_commune(company.commune_id).name == "Blagnac"
    assert load(cog=next_vintage, departements=["31"]).changes == 0


def test_departement_filtered_load_leaves_other_departements_alone(reference):
    before = _table_counts()
    report = load(departements=["31"])
    assert report.changes == 0
    assert _table_counts() == before
    assert Commune.objects.filter(departement="33").count() > 500
