"""`mapster uploads purge [--apply] [--days N]`: remove expired web upload files."""

from django.conf import settings
from django.core.management.base import BaseCommand

from core import uploads


class Command(BaseCommand):
    help = "Fichiers déposés sur le site (imports, rejets) : purge après la durée de conservation."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser(
            "purge", help="supprimer les fichiers expirés (simulation sans --apply)"
        )
        purge.add_argument("--apply", action="store_true", help="supprimer (sinon simulation)")
        purge.add_argument(
            "--days",
            type=int,
            help="durée de conservation en jours "
            f"(défaut {settings.MAPSTER_UPLOAD_RETENTION_DAYS})",
        )

    def handle(self, *args, action, apply=False, days=None, **options):
        gone = uploads.purge(apply=apply, days=days)
        for entry in gone:
            self.stdout.write(f"- {entry.path} ({entry.age_days:.0f} jours, {entry.size} octets)")
        size = sum(e.size for e in gone)
        if apply:
            self.stdout.write(f"{len(gone)} fichiers supprimés ({size} octets).")
        else:
            self.stdout.write(
                f"Simulation : {len(gone)} fichiers à supprimer ({size} octets) ; "
                "--apply pour supprimer."
            )
