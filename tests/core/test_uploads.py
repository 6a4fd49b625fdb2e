"""Web upload files under VAR_DIR are kept for MAPSTER_UPLOAD_RETENTION_DAYS, then purged."""

import os
import time

from django.core.management import call_command

from core import uploads


def _file(folder, name, days_old):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("siret;raison_sociale\n")
    stamp = time.time() - days_old * 86400
    os.utime(path, (stamp, stamp))
    return path


def test_files_older_than_the_retention_are_purged_and_recent_ones_kept(settings):
    settings.MAPSTER_UPLOAD_RETENTION_DAYS = 7
    old_upload = _file(settings.VAR_DIR / "imports" / "web", "a.csv", 8)
    old_rejects = _file(settings.VAR_DIR / "rejects", "b.rejets.csv", 30)
    recent = _file(settings.VAR_DIR / "imports" / "web", "c.csv", 1)
    unrelated = _file(settings.VAR_DIR / "reports", "d.pdf", 30)
    gone = uploads.purge(apply=True)
    assert [e.path for e in gone] == [old_rejects, old_upload]  # oldest first
    assert not old_upload.exists() and not old_rejects.exists()
    assert recent.exists() and unrelated.exists()


def test_purge_command_is_a_dry_run_unless_applied(settings, capsys):
    settings.MAPSTER_UPLOAD_RETENTION_DAYS = 7
    old = _file(settings.VAR_DIR / "uploads" / "surveys", "x.csv", 10)
    call_command("uploads", "purge")
    out = capsys.readouterr().out
    assert "Simulation : 1 fichiers à supprimer" in out and str(old) in out
    assert old.exists()
    call_command("uploads", "purge", "--apply")
    assert "1 fichiers supprimés" in capsys.readouterr().out
    assert not old.exists()


def test_purge_with_nothing_to_do_reports_zero(settings, capsys):
    call_command("uploads", "purge", "--apply", "--days", "1")
    assert "0 fichiers supprimés (0 octets)." in capsys.readouterr().out
