"""SIRENE enrichment from StockEtablissement files (small generated files)."""

import csv

import duckdb
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from directory.identifiers import siren_error, siret_error
from directory.models import Company, Establishment
from directory.sirene import STOCK_COLUMNS, SireneError, enrich, synthesize
from tests.factories import CompanyFactory, EstablishmentFactory
from tests.fixtures.directory import make_siret

# Toulouse, Capitole, in Lambert 93.
TOULOUSE_X, TOULOUSE_Y = "574460.0", "6279700.0"


def write_stock(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=STOCK_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in STOCK_COLUMNS})
    return path


def stock_row(siret, **values):
    row = {
        "siren": siret[:9],
        "nic": siret[9:],
        "siret": siret,
        "etablissementSiege": "true",
        "etatAdministratifEtablissement": "A",
        "trancheEffectifsEtablissement": "12",
        "activitePrincipaleEtablissement": "25.62A",
        "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
        "activitePrincipaleNAF25Etablissement": "25.62A",
        "codeCommuneEtablissement": "31555",
        "coordonneeLambertAbscisseEtablissement": TOULOUSE_X,
        "coordonneeLambertOrdonneeEtablissement": TOULOUSE_Y,
        "denominationUsuelleEtablissement": "USINE DU CAPITOLE",
    }
    row.update(values)
    return row


@pytest.fixture
def member(import_reference):
    company = CompanyFactory(siren=make_siret(1)[:9], headcount_band="", naf=None, commune=None)
    return EstablishmentFactory(
        company=company, siret=make_siret(1), commune=None, headcount_band="", naf=None
    )


def test_enrichment_refreshes_establishment_and_company_from_the_stock(member, tmp_path):
    other = make_siret(2)
    path = write_stock(tmp_path / "stock.csv", [stock_row(member.siret), stock_row(other)])
    report = enrich(path, apply=True)
    assert (report.members, report.matched, report.establishments_updated) == (1, 1, 1)
    member.refresh_from_db()
    assert member.name == "USINE DU CAPITOLE"
    assert (member.naf_id, member.headcount_band, member.commune_id) == ("25.62A", "12", "31555")
    assert member.lat == pytest.approx(43.604, abs=0.01)
    assert member.lon == pytest.approx(1.443, abs=0.01)
    company = member.company
    company.refresh_from_db()
    assert (company.naf_id, company.commune_id, company.headcount_band) == ("25.62A", "31555", "12")
    # Rows of non-members are never read into the database.
    assert not Establishment.objects.filter(siret=other).exists()


def test_dry_run_reports_changes_and_writes_nothing(member, tmp_path):
    path = write_stock(tmp_path / "stock.csv", [stock_row(member.siret)])
    report = enrich(path)
    assert report.dry_run
    assert report.fields["établissement.naf_id"] == 1
    member.refresh_from_db()
    assert member.naf_id is None


def test_closed_establishment_is_marked_closed_and_blank_values_erase_nothing(member, tmp_path):
    enrich(write_stock(tmp_path / "a.csv", [stock_row(member.siret)]), apply=True)
    closed = stock_row(
        member.siret,
        etatAdministratifEtablissement="F",
        activitePrincipaleEtablissement="",
        coordonneeLambertAbscisseEtablissement="[ND]",
        denominationUsuelleEtablissement="",
    )
    report = enrich(write_stock(tmp_path / "b.csv", [closed]), apply=True)
    assert report.closed == 1
    member.refresh_from_db()
    assert member.active is False
    assert member.naf_id == "25.62A"
    assert member.name == "USINE DU CAPITOLE"
    assert member.lat is not None


def test_second_run_with_the_same_file_changes_nothing(member, tmp_path):
    path = write_stock(tmp_path / "stock.csv", [stock_row(member.siret)])
    enrich(path, apply=True)
    again = enrich(path, apply=True)
    assert (again.establishments_updated, again.companies_updated) == (0, 0)


def test_company_known_only_by_siren_gets_its_head_office(import_reference, tmp_path):
    company = CompanyFactory(siren=make_siret(5)[:9])
    head, secondary = make_siret(5, 1), make_siret(5, 2)
    rows = [stock_row(head), stock_row(secondary, etablissementSiege="false")]
    report = enrich(write_stock(tmp_path / "stock.csv", rows), apply=True)
    assert report.establishments_created == 1
    created = Establishment.objects.get(company=company)
    assert (created.siret, created.is_head_office, created.provenance) == (head, True, "sirene")


def test_stock_without_the_needed_columns_is_refused(member, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("siret,foo\n1,2\n")
    with pytest.raises(SireneError, match="colonnes SIRENE absentes"):
        enrich(path)
    with pytest.raises(CommandError, match="introuvable"):
        call_command("sirene", "enrich", str(tmp_path / "missing.csv"))


def test_summary_and_errors_follow_the_active_language(member, tmp_path):
    path = write_stock(tmp_path / "stock.csv", [stock_row(member.siret)])
    broken = tmp_path / "broken.csv"
    broken.write_text(",".join(STOCK_COLUMNS) + '\n"' + make_siret(1) + ",2\n")
    with translation.override("en"):
        report = enrich(path)
        summary = report.summary()
        with pytest.raises(
            SireneError, match="^SIRENE columns missing: siren, etablissementSiege, "
        ):
            enrich(_without_columns(tmp_path))
        # Read on DuckDB's own thread, and still worded in the caller's language.
        with pytest.raises(SireneError, match="^unreadable SIRENE file: "):
            enrich(broken)
    assert summary.startswith(
        "Dry run (--apply to write): 1 establishments found out of 1 looked for "
        "(0 not in the file); 1 establishments and 1 companies updated, 0 head offices added"
    )
    assert "establishment.naf_id 1" in summary and "établissement" not in summary
    assert report.changes[0].startswith(f"~ {member.siret}: ")
    assert report.fields["établissement.naf_id"] == 1
    assert (
        enrich(path)
        .summary()
        .startswith("Simulation (--apply pour écrire) : 1 établissements trouvés sur 1 recherchés")
    )


def _without_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("siret,foo\n1,2\n")
    return path


def test_command_output_stays_french_when_the_caller_is_in_english(member, tmp_path, capsys):
    path = write_stock(tmp_path / "stock.csv", [stock_row(member.siret)])
    with translation.override("en"):
        call_command("sirene", "enrich", str(path))
    out = capsys.readouterr().out
    assert "Simulation (--apply pour écrire) : 1 établissements trouvés" in out
    assert "établissement.naf_id 1" in out and f"  ~ {member.siret} : " in out


@pytest.mark.parametrize("parquet", [False, True])
def test_synthetic_stock_has_the_real_layout_valid_keys_and_the_members(member, tmp_path, parquet):
    out = tmp_path / ("stock.parquet" if parquet else "stock.csv")
    result = synthesize(out, 500, parquet=parquet)
    assert (result["rows"], result["members"]) == (500, 1)
    reader = "read_parquet" if parquet else "read_csv"
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM {reader}('{out}')")
    assert rel.columns == STOCK_COLUMNS
    rows = con.sql(f"SELECT siret::VARCHAR, siren::VARCHAR FROM {reader}('{out}')").fetchall()
    assert len(rows) == 500
    assert all(
        siret_error(s.zfill(14)) is None and siren_error(n.zfill(9)) is None for s, n in rows
    )
    report = enrich(out, apply=True)
    assert report.matched == 1


def test_commands_synth_then_enrich(member, tmp_path, capsys):
    out = tmp_path / "stock.csv"
    call_command("sirene", "synth", str(out), "--rows", "50")
    assert "50 lignes" in capsys.readouterr().out
    call_command("sirene", "enrich", str(out), "--apply")
    assert "1 établissements trouvés sur 1" in capsys.readouterr().out
    assert Company.objects.get().commune_id is not None
