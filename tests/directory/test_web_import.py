"""Uploading an import file from the web: validate, dry run, confirm, rejects."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from directory import forms as directory_forms
from directory.models import AuditEntry, Company, Membership
from tests.factories import UserFactory
from tests.fixtures.directory import make_siret

HEADER = "siret;raison_sociale;code_naf;tranche_effectif;code_commune"


def members_file(rows, name="adherents.csv"):
    body = "\n".join([HEADER] + [";".join(r) for r in rows]) + "\n"
    return SimpleUploadedFile(name, body.encode("utf-8"), content_type="text/csv")


GOOD = [
    [make_siret(1), "Usinage Toulousain", "30.30Z", "11", "31555"],
    [make_siret(2), "Composites du Sud", "30.30Z", "12", "31555"],
]
BAD = [make_siret(3)[:-1] + "0", "Siret Faux", "30.30Z", "11", "31555"]


@pytest.fixture
def manager(import_reference):
    user = UserFactory()
    Role.objects.create(user=user, kind=Role.Kind.MANAGER, cluster=import_reference["cluster"])
    return user


def upload(client, file, kind="members", cluster="aero-sud"):
    return client.post("/annuaire/import/", {"kind": kind, "cluster": cluster, "file": file})


def token_of(response) -> str:
    html = response.content.decode()
    return html.split('action="/annuaire/import/')[1].split("/confirmer/")[0]


def test_dry_run_reports_rows_and_writes_nothing(client, manager):
    client.force_login(manager)
    response = upload(client, members_file(GOOD + [BAD]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-count="created">2<' in html
    assert 'data-count="rejected">1<' in html
    assert "Simulation" in html
    # Line 4 of the file (header is line 1), column siret, with the reason.
    assert '<td class="num">4</td><td>siret</td>' in html
    assert not Company.objects.exists()


def test_confirm_applies_the_import_and_audits_it(client, manager, import_reference):
    client.force_login(manager)
    token = token_of(upload(client, members_file(GOOD + [BAD])))
    response = client.post(f"/annuaire/import/{token}/confirmer/")
    assert response.status_code == 200
    assert "Import terminé" in response.content.decode()
    cluster = import_reference["cluster"]
    assert Membership.objects.filter(cluster=cluster).count() == 2
    entry = AuditEntry.objects.get(action="import")
    assert entry.user == manager and entry.cluster == cluster
    # Confirming twice does not import twice.
    again = client.post(f"/annuaire/import/{token}/confirmer/")
    assert again.status_code == 302
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_rejects_file_lists_the_rejected_rows_with_the_reason(client, manager):
    client.force_login(manager)
    token = token_of(upload(client, members_file(GOOD + [BAD])))
    response = client.get(f"/annuaire/import/{token}/rejets/")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert "motif_rejet" in lines[0]
    assert len(lines) == 2 and "Siret Faux" in lines[1]


def test_another_user_cannot_confirm_or_download_someone_elses_import(client, manager):
    client.force_login(manager)
    token = token_of(upload(client, members_file(GOOD + [BAD])))
    intruder = UserFactory(is_staff=True)
    client.force_login(intruder)
    assert client.post(f"/annuaire/import/{token}/confirmer/").status_code == 404
    assert client.get(f"/annuaire/import/{token}/rejets/").status_code == 404
    assert not Company.objects.exists()


def test_manager_cannot_import_members_of_another_cluster(client, manager):
    client.force_login(manager)
    response = upload(client, members_file(GOOD), cluster="meca-ain")
    assert response.status_code == 200
    assert "confirmer" not in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_manager_cannot_import_clusters(client, manager):
    client.force_login(manager)
    response = upload(client, members_file(GOOD), kind="clusters")
    assert "confirmer" not in response.content.decode()


def test_user_without_role_is_refused(client, import_reference):
    client.force_login(UserFactory())
    assert client.get("/annuaire/import/").status_code == 403


def test_operator_imports_clusters(client, import_reference):
    client.force_login(UserFactory(is_staff=True))
    body = b"nom;type;code_commune\nCluster Neuf;cluster;31555\n"
    response = upload(client, SimpleUploadedFile("clusters.csv", body), kind="clusters", cluster="")
    assert response.status_code == 200
    assert 'data-count="created">1<' in response.content.decode()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("adherents.exe", b"MZ\x90\x00", "seuls les fichiers .csv et .xlsx"),
        ("adherents.xlsx", b"siret;nom\n1;2\n", "pas un classeur Excel"),
        ("adherents.csv", b"PK\x03\x04binary\x00\x00", "pas un fichier texte CSV"),
    ],
)
def test_upload_is_checked_by_extension_and_content(client, manager, name, content, message):
    client.force_login(manager)
    response = upload(client, SimpleUploadedFile(name, content))
    assert message in response.content.decode()
    assert not Company.objects.exists()


def test_upload_over_the_size_limit_is_refused(client, manager, monkeypatch):
    monkeypatch.setattr(directory_forms, "MAX_UPLOAD_BYTES", 100)
    client.force_login(manager)
    response = upload(client, members_file(GOOD * 5))
    assert "Fichier trop volumineux" in response.content.decode()


def test_windows_1252_csv_is_accepted(client, manager):
    client.force_login(manager)
    body = f"{HEADER}\n{make_siret(5)};Société Générale d'Usinage;30.30Z;11;31555\n"
    response = upload(client, SimpleUploadedFile("adherents.csv", body.encode("cp1252")))
    assert 'data-count="created">1<' in response.content.decode()


@pytest.mark.parametrize("kind, fmt", [("members", "csv"), ("clusters", "xlsx")])
def test_template_files_can_be_downloaded(client, manager, kind, fmt):
    client.force_login(manager)
    response = client.get(f"/annuaire/import/modele/{kind}.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="modele-{kind}.{fmt}"'
    assert len(response.content) > 50


def test_applied_upload_is_removed_and_its_rejects_stay_downloadable(client, manager, settings):
    client.force_login(manager)
    token = token_of(upload(client, members_file(GOOD + [BAD])))
    folder = settings.VAR_DIR / "imports" / "web"
    assert len(list(folder.glob(f"{token}.csv"))) == 1
    client.post(f"/annuaire/import/{token}/confirmer/")
    assert not (folder / f"{token}.csv").exists()
    assert client.get(f"/annuaire/import/{token}/rejets/").status_code == 200


def test_confirming_an_upload_purged_after_retention_answers_404(client, manager, settings):
    client.force_login(manager)
    token = token_of(upload(client, members_file(GOOD)))
    (settings.VAR_DIR / "imports" / "web" / f"{token}.csv").unlink()
    response = client.post(f"/annuaire/import/{token}/confirmer/")
    assert response.status_code == 404
    assert not Company.objects.exists()


def test_a_new_upload_purges_files_past_the_retention(client, manager, settings):
    import os
    import time

    folder = settings.VAR_DIR / "imports" / "web"
    folder.mkdir(parents=True, exist_ok=True)
    stale = folder / "ancien.rejets.csv"
    stale.write_text("x")
    stamp = time.time() - (settings.MAPSTER_UPLOAD_RETENTION_DAYS + 1) * 86400
    os.utime(stale, (stamp, stamp))
    client.force_login(manager)
    upload(client, members_file(GOOD))
    assert not stale.exists()


def test_english_visitor_sees_rejection_reasons_changes_and_summary_in_english(
    client, manager, settings
):
    client.force_login(manager)
    duplicate = GOOD[0]
    french = upload(client, members_file(GOOD + [BAD, duplicate])).content.decode()
    assert "clé de contrôle du SIRET invalide" in french
    assert "doublon de la ligne 2" in french

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(client, members_file(GOOD + [BAD, duplicate]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "rows read" in html and "rejected" in html and "to create" in html
    assert "<td>invalid SIRET check digit</td>" in html
    assert "<td>duplicate of row 2</td>" in html
    assert f"<li>+ company {GOOD[1][0][:9]} Composites du Sud</li>" in html
    for french_text in ("clé de contrôle", "doublon", "+ entreprise", "lignes lues"):
        assert french_text not in html
    # The rejects file to fix and upload again gives its reasons in English too.
    rejects = client.get(f"/annuaire/import/{token_of(response)}/rejets/")
    text = b"".join(rejects.streaming_content).decode("utf-8-sig")
    assert "siret: invalid SIRET check digit" in text
    assert "siret: duplicate of row 2" in text
