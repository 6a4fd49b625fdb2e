"""`mapster showcase load-2020`: thin wrapper over showcase.services."""

import json

from django.core.management.base import BaseCommand, CommandError

from showcase import services


class Command(BaseCommand):
    help = "Catalogue des bonnes pratiques : load-2020 charge les 24 exemples du rapport 2020."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-2020", help="Charger exemples-2020.csv (idempotent).")
        load.add_argument("--file", help="Chemin du CSV (défaut : $MAPSTER_FIXTURES_DIR).")

    def handle(self, *args, action, **options):
        if action == "load-2020":
            path = options.get("file") or services.seed_path()
            try:
                report = services.load_2020(path, progress=True)
            except FileNotFoundError as exc:
                raise CommandError(f"Fichier introuvable : {exc.filename}") from exc
            from territories.models import Region

            if not Region.objects.exists():
                self.stderr.write(
                    "Référentiel non chargé : aucune région ne peut être reconnue. "
                    "Lancez `mapster reference load` puis relancez cette commande."
                )
            for error in report.errors:
                self.stderr.write(json.dumps(error, ensure_ascii=False))
            for label in report.flagged:
                self.stderr.write(f"région non reconnue, gardée telle quelle : {label!r}")
            self.stdout.write(report.summary())
