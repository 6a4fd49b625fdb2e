"""Importing clusters and members from CSV and XLSX files."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core import search
from directory.identifiers import siren_error, siret_error
from directory.importing import import_file, template_file
from directory.models import AuditEntry, Cluster, Company, Establishment, Membership
from tests.factories import CompanyFactory, MembershipFactory
from tests.fixtures.directory import make_siret

HEADER = (
    "siret;raison_sociale;code_naf;tranche_effectif;code_commune;code_postal;commune;"
    "site_web;email;offre"
)


def members_csv(rows, header=HEADER, delimiter=";"):
    lines = [header] + [delimiter.join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def row(n, name=None, **overrides):
    values = {
        "siret": make_siret(n),
        "raison_sociale": name or f"Entreprise {n}",
        "code_naf": "30.30Z",
        "tranche_effectif": "11",
        "code_commune": "31555",
        "code_postal": "",
        "commune": "",
        "site_web": "",
        "email": "",
        "offre": "",
    }
    values.update(overrides)
    return [values[h] for h in HEADER.split(";")]


def write(tmp_path, data, name="adherents.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(path, **kwargs):
    kwargs.setdefault("cluster", "aero-sud")
    return import_file(path, "members", **kwargs)


# --- identifiers ---------------------------------------------------------------------


def test_siren_and_siret_keys_are_checked_with_luhn():
    assert siren_error("732829320") is None
    assert siren_error("732829321") == "clé de contrôle du SIREN invalide"
    assert siren_error("73282932") == "le SIREN doit compter 9 chiffres"
    assert siret_error("73282932000074") is None
    assert siret_error("73282932000075") == "clé de contrôle du SIRET invalide"
    assert siret_error("7328293200007") == "le SIRET doit compter 14 chiffres"


def test_la_poste_sirets_use_the_digit_sum_rule():
    # 3+5+6 + 0+0+0+0+1 = 15: a multiple of 5, although Luhn fails.
    assert siret_error("35600000000001") is None
    assert siret_error("35600000000002") == "clé de contrôle du SIRET invalide (règle La Poste)"
    # The head office predates the rule and passes Luhn.
    assert siret_error("35600000000048") is None


# --- members ---------------------------------------------------------------------------


def test_dry_run_reports_what_would_change_and_writes_nothing(import_reference, tmp_path):
    path = write(tmp_path, members_csv([row(1), row(2)]))
    report = run(path)
    assert report.dry_run and report.ok
    assert (report.rows, report.created, report.rejected) == (2, 2, 0)
    assert any(line.startswith("+ entreprise") for line in report.changes)
    assert Company.objects.count() == 0
    assert Membership.objects.count() == 0


def test_apply_creates_companies_establishments_and_memberships(import_reference, tmp_path):
    path = write(tmp_path, members_csv([row(1, "Aéro Précision"), row(2)]))
    report = run(path, apply=True)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    company = Company.objects.get(siren=make_siret(1)[:9])
    assert company.name == "Aéro Précision"
    assert company.naf_id == "30.30Z"
    assert company.commune_id == "31555"
    assert company.provenance == "import"
    establishment = Establishment.objects.get(siret=make_siret(1))
    assert establishment.company == company
    membership = Membership.objects.get(company=company)
    assert membership.cluster.slug == "aero-sud"
    assert membership.establishment == establishment
    # Bulk writes bypass signals, yet the new companies are searchable at once.
    found = search.filter_queryset(Company.objects.all(), "company", "aero precision")
    assert list(found) == [company]
    assert AuditEntry.objects.filter(action="import", cluster__slug="aero-sud").count() == 1


@pytest.mark.django_db(transaction=True)
def test_import_outside_a_transaction_writes_consistent_rows_and_restores_key_checks(
    import_reference, tmp_path
):
    # Outside any transaction (the CLI, the benchmark), SQLite's foreign key checks are
    # off while a members import writes; they must be back on afterwards, and every
    # written reference must point at an existing row.
    from django.db import connection

    rows = [row(1), row(2, code_naf="", code_commune=""), row(3)]
    report = run(write(tmp_path, members_csv(rows)), apply=True)
    assert (report.created, report.rejected) == (3, 0)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    connection.check_constraints(
        table_names=[m._meta.db_table for m in (Company, Establishment, Membership)]
    )
    membership = Membership.objects.select_related("establishment__company").get(
        company__siren=make_siret(2)[:9]
    )
    assert membership.establishment.company_id == membership.company_id
    assert membership.establishment.commune_id is None


def test_commune_of_an_overseas_collectivity_is_named_as_such_not_unknown(
    import_reference, tmp_path
):
    rows = [row(1, code_commune="98818"), row(2, code_commune="97999")]
    report = run(write(tmp_path, members_csv(rows)))
    reasons = {e.value: e.reason for e in report.errors}
    assert reasons["98818"] == (
        "commune d'une collectivité d'outre-mer (975 à 989), hors du référentiel"
    )
    assert reasons["97999"] == "code commune INSEE inconnu"


def test_importing_the_same_file_twice_changes_nothing(import_reference, tmp_path):
    path = write(tmp_path, members_csv([row(1), row(2), row(3)]))
    run(path, apply=True)
    stamps = dict(Company.objects.values_list("siren", "updated_at"))
    report = run(path, apply=True)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert report.changes == []
    assert dict(Company.objects.values_list("siren", "updated_at")) == stamps
    assert Membership.objects.count() == 3


def test_changed_values_update_and_blank_cells_erase_nothing(import_reference, tmp_path):
    run(write(tmp_path, members_csv([row(1, offre="Usinage")])), apply=True)
    data = members_csv([row(1, name="Nouveau Nom", code_naf="", offre="")])
    report = run(write(tmp_path, data, "v2.csv"), apply=True)
    assert (report.created, report.updated) == (0, 1)
    company = Company.objects.get()
    assert company.name == "Nouveau Nom"
    assert company.naf_id == "30.30Z"
    assert company.offer == "Usinage"


def test_bad_rows_are_rejected_with_line_column_and_reason_and_good_rows_go_in(
    import_reference, tmp_path
):
    rows = [
        row(1),
        row(2, siret="12345678901234"),
        row(3, code_naf="99.99Z"),
        row(4, code_commune="99999"),
        row(5, site_web="pas une url"),
        row(6, email="a@"),
        row(7, tranche_effectif="77"),
        row(1),
    ]
    path = write(tmp_path, members_csv(rows))
    report = run(path, apply=True)
    assert report.created == 1
    assert report.rejected == 7
    got = {(e.line, e.column, e.reason) for e in report.errors}
    assert got == {
        (3, "siret", "clé de contrôle du SIRET invalide"),
        (4, "code_naf", "code NAF absent de la nomenclature"),
        (5, "code_commune", "code commune INSEE inconnu"),
        (6, "site_web", "adresse web invalide"),
        (7, "email", "adresse e-mail invalide"),
        (8, "tranche_effectif", "tranche d'effectif INSEE inconnue"),
        (9, "siret", "doublon de la ligne 2"),
    }
    assert Company.objects.count() == 1


def test_rejects_file_can_be_fixed_and_imported_again(import_reference, tmp_path):
    path = write(tmp_path, members_csv([row(1), row(2, code_naf="2562a"), row(3, code_naf="XX")]))
    report = run(path, apply=True)
    assert report.rejected == 1
    assert report.rejects_path == tmp_path / "adherents.rejets.csv"
    with report.rejects_path.open(encoding="utf-8", newline="") as handle:
        rejects = list(csv.DictReader(handle, delimiter=";"))
    assert [r["siret"] for r in rejects] == [make_siret(3)]
    assert rejects[0]["motif_rejet"] == "code_naf : format attendu 25.62A"
    rejects[0]["code_naf"] = "25.62A"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rejects[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rejects)
    fixed = write(tmp_path, out.getvalue().encode("utf-8"), "fixed.csv")
    again = run(fixed, apply=True)
    assert (again.created, again.rejected) == (1, 0)
    assert Company.objects.get(siren=make_siret(3)[:9]).naf_id == "25.62A"
    assert Company.objects.get(siren=make_siret(2)[:9]).naf_id == "25.62A"


def test_comma_separated_windows_1252_file_is_read(import_reference, tmp_path):
    data = (
        members_csv(
            [row(1, "Société Générale d'Usinage")], header=HEADER.replace(";", ","), delimiter=","
        )
        .decode("utf-8")
        .encode("cp1252")
    )
    report = run(write(tmp_path, data), apply=True)
    assert report.created == 1
    assert Company.objects.get().name == "Société Générale d'Usinage"


def test_utf8_bom_and_french_headers_are_understood(import_reference, tmp_path):
    data = "\ufeffSIRET;Raison sociale;Code APE;Code postal;Ville\n"
    data += f"{make_siret(1)};Atelier Ùnique;2562A;01000;Bourg en Bresse\n"
    report = run(write(tmp_path, data.encode("utf-8")), apply=True)
    assert report.created == 1, report.errors
    company = Company.objects.get()
    assert (company.name, company.naf_id, company.commune_id) == (
        "Atelier Ùnique",
        "25.62A",
        "01053",
    )


def test_commune_resolves_from_former_code_or_postal_code_and_name(import_reference, tmp_path):
    rows = [
        row(1, code_commune="01999"),
        row(2, code_commune="", code_postal="75015", commune="PARIS"),
        row(3, code_commune="", code_postal="75015", commune="Lyon"),
        row(4, code_commune="", code_postal="31000", commune=""),
    ]
    report = run(write(tmp_path, members_csv(rows)), apply=True)
    communes = dict(Company.objects.values_list("siren", "commune_id"))
    assert communes == {
        make_siret(1)[:9]: "01053",
        make_siret(2)[:9]: "75056",
        make_siret(4)[:9]: "31555",
    }
    assert [(e.line, e.column) for e in report.errors] == [(4, "code_postal")]


def test_xlsx_file_is_imported_and_its_rejects_are_xlsx(import_reference, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(row(1))
    bad = row(2, siret="")
    sheet.append(bad)
    # A SIREN typed as a number loses nothing but its type.
    sheet.append(["", "Par SIREN", "30.30Z", "11", 31555, "", "", "", "", ""])
    sheet.cell(row=4, column=1).value = None
    path = tmp_path / "membres.xlsx"
    workbook.save(path)
    report = run(path, apply=True)
    assert report.created == 1
    assert report.rejected == 2
    assert {e.line for e in report.errors} == {3, 4}
    rejects = load_workbook(report.rejects_path).active
    assert [c.value for c in rejects[1]][-1] == "motif_rejet"
    assert rejects.max_row == 3


def test_members_file_may_name_each_row_cluster(import_reference, tmp_path):
    header = HEADER + ";cluster"
    rows = [row(1) + ["aero-sud"], row(1) + ["meca-ain"], row(2) + ["inconnu"]]
    report = import_file(write(tmp_path, members_csv(rows, header=header)), "members", apply=True)
    assert report.created == 2
    assert [(e.line, e.column, e.reason) for e in report.errors] == [
        (4, "cluster", "cluster inconnu")
    ]
    assert Company.objects.count() == 1
    assert set(Membership.objects.values_list("cluster__slug", flat=True)) == {
        "aero-sud",
        "meca-ain",
    }


def test_prune_lists_absent_members_then_removes_them_only_with_apply(import_reference, tmp_path):
    cluster = import_reference["cluster"]
    leaving = MembershipFactory(cluster=cluster).company
    kept_elsewhere = MembershipFactory(cluster=import_reference["other"])
    # A member whose row is rejected is still in the file: never pruned.
    rejected_member = CompanyFactory(siren=make_siret(9)[:9])
    MembershipFactory(cluster=cluster, company=rejected_member)
    path = write(tmp_path, members_csv([row(1), row(9, email="bad@")]))
    dry = run(path, prune=True)
    assert dry.to_prune == [f"adhésion de {leaving.siren} au cluster {cluster.pk}"]
    assert Membership.objects.filter(company=leaving).exists()
    report = run(path, prune=True, apply=True)
    assert report.pruned == 1
    assert not Membership.objects.filter(company=leaving).exists()
    assert Company.objects.filter(pk=leaving.pk).exists()
    assert Membership.objects.filter(pk=kept_elsewhere.pk).exists()
    assert Membership.objects.filter(company=rejected_member).exists()


def test_without_prune_absent_members_stay(import_reference, tmp_path):
    MembershipFactory(cluster=import_reference["cluster"])
    run(write(tmp_path, members_csv([row(1)])), apply=True)
    assert Membership.objects.filter(cluster=import_reference["cluster"]).count() == 2


def test_missing_required_columns_stop_the_import_with_a_message(import_reference, tmp_path):
    path = write(tmp_path, b"ville;adresse\nA;B\n")
    report = run(path, apply=True)
    assert not report.ok
    assert "raison_sociale" in report.fatal and "siret ou siren" in report.fatal


def test_binary_garbage_is_refused_cleanly(import_reference, tmp_path):
    report = run(write(tmp_path, b"\x00\x01\x02binary", "x.csv"))
    assert report.fatal == "format non reconnu : attendu CSV ou XLSX"
    report = run(write(tmp_path, b"PK\x03\x04broken", "x.xlsx"))
    assert report.fatal.startswith("classeur XLSX illisible")


def test_upload_objects_are_accepted_and_rejects_go_under_var(import_reference, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    upload = io.BytesIO(members_csv([row(1), row(2, siret="1")]))
    upload.name = "depot.csv"
    report = import_file(upload, "members", cluster="aero-sud", apply=True)
    assert report.created == 1
    assert report.rejects_path == tmp_path / "imports" / "depot.rejets.csv"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_file_lists_every_column_and_its_example_imports(import_reference, tmp_path, fmt):
    path = tmp_path / f"modele.{fmt}"
    path.write_bytes(template_file("members", fmt))
    report = run(path, apply=True)
    assert report.rejected == 0, report.errors
    assert Company.objects.get().name == "La Poste"


def test_command_is_a_dry_run_unless_apply(import_reference, tmp_path, capsys):
    path = write(tmp_path, members_csv([row(1)]))
    call_command("directory", "import", str(path), "--kind", "members", "--cluster", "aero-sud")
    assert "Simulation" in capsys.readouterr().out
    assert Company.objects.count() == 0
    call_command(
        "directory", "import", str(path), "--kind", "members", "--cluster", "aero-sud", "--apply"
    )
    assert "1 créées" in capsys.readouterr().out
    assert Company.objects.count() == 1
    with pytest.raises(CommandError, match="inconnu"):
        call_command("directory", "import", str(path), "--kind", "members", "--cluster", "nope")


# --- languages ---------------------------------------------------------------------------


def test_reasons_changes_and_summary_are_in_the_active_language(import_reference, tmp_path):
    path = write(tmp_path, members_csv([row(1), row(2, siret="12345678901234"), row(1)]))
    with translation.override("en"):
        report = run(path)
        summary = report.summary()
        shown = [str(e) for e in report.errors]
    assert [(e.line, e.column, e.reason) for e in report.errors] == [
        (3, "siret", "invalid SIRET check digit"),
        (4, "siret", "duplicate of row 2"),
    ]
    assert shown[0] == "row 3, column “siret” ('12345678901234'): invalid SIRET check digit"
    assert report.changes[0] == f"+ company {make_siret(1)[:9]} Entreprise 1"
    assert summary.splitlines() == [
        "Dry run (nothing is written; --apply to import) of adherents.csv: 3 rows, "
        "1 created, 0 updated, 0 unchanged, 2 rejected.",
        "  companies: created 1, updated 0",
        "  establishments: created 1, updated 0",
        "  memberships: created 1, updated 0",
        f"  Rejected rows copied to {tmp_path / 'adherents.rejets.csv'}",
    ]
    # Without an active language, as on the command line: French, as before.
    report = run(path)
    assert report.errors[1].reason == "doublon de la ligne 2"
    assert report.summary().startswith(
        "Simulation (rien n'est écrit ; --apply pour importer) de adherents.csv : 3 lignes, "
        "1 créées, 0 modifiées, 0 inchangées, 2 rejetées.\n  entreprises : créées 1, modifiées 0"
    )


def test_valid_rows_cost_no_translation_lookup(import_reference, tmp_path, monkeypatch):
    import directory.identifiers
    import directory.importing

    calls = []

    def counting(gettext):
        def wrapper(message):
            calls.append(message)
            return gettext(message)

        return wrapper

    for module in (directory.importing, directory.identifiers):
        monkeypatch.setattr(module, "_", counting(module._))
    counts = []
    for n in (5, 50):
        calls.clear()
        run(write(tmp_path, members_csv([row(i) for i in range(1, n + 1)])), apply=True)
        counts.append(len(calls))
    # A few look-ups per import (progress bar, change-line patterns), none per row.
    assert counts[0] == counts[1] < 10
    calls.clear()
    run(write(tmp_path, members_csv([row(1), row(2, siret="12345678901234")])))
    assert "clé de contrôle du SIRET invalide" in calls


def test_fatal_errors_are_in_the_active_language(import_reference, tmp_path):
    with translation.override("en"):
        missing = run(write(tmp_path, b"ville;adresse\nA;B\n"))
        summary = missing.summary()
        unknown = run(write(tmp_path, members_csv([row(1)])), cluster="nope")
        empty = run(write(tmp_path, b"", "vide.csv"))
    assert missing.fatal == "required columns missing: raison_sociale, siret or siren"
    assert summary == "Import impossible: required columns missing: raison_sociale, siret or siren"
    assert unknown.fatal == "unknown cluster “nope”"
    assert empty.fatal == "the file is empty"


def test_command_output_stays_french_when_the_caller_is_in_english(
    import_reference, tmp_path, capsys
):
    path = write(tmp_path, members_csv([row(1), row(2, siret="12345678901234")]))
    with translation.override("en"):
        call_command("directory", "import", str(path), "--kind", "members", "--cluster", "aero-sud")
        assert translation.get_language() == "en"
    out, err = capsys.readouterr()
    assert "Simulation (rien n'est écrit ; --apply pour importer) de adherents.csv" in out
    assert "  + entreprise " in out
    assert "rejet ligne 3, colonne « siret » ('12345678901234') : clé de contrôle du SIRET" in err
    assert "check digit" not in err and "Dry run" not in out


# --- clusters ----------------------------------------------------------------------------


def test_clusters_file_creates_clusters_with_contact_labels_and_filiere(import_reference, tmp_path):
    data = (
        "nom;sigle;type;code_commune;filiere;labels;contact_nom;contact_email;site_web\n"
        "Cluster Lumière;CL;cluster;31555;automobile, ferroviaire, aéronautique, navale;"
        "france-clusters|eco-silver;Camille Martin;camille@example.org;lumiere.example.org\n"
        "Cluster Faux;;pôle;31555;;label-inventé;;;\n"
    )
    path = write(tmp_path, data.encode("utf-8"), "clusters.csv")
    report = import_file(path, "clusters", apply=True)
    assert (report.created, report.rejected) == (1, 1)
    assert [(e.line, e.column) for e in report.errors] == [(3, "labels")]
    cluster = Cluster.objects.get(slug="cluster-lumiere")
    assert cluster.labels == ["france-clusters", "eco-silver"]
    assert cluster.website == "https://lumiere.example.org"
    assert cluster.main_filiere == import_reference["filiere"]
    assert list(cluster.regions.values_list("code", flat=True)) == ["76"]
    assert cluster.contacts.get().email == "camille@example.org"
    again = import_file(path, "clusters", apply=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
