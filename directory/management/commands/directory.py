"""`mapster directory import FILE --kind clusters|members [--cluster SLUG] [--apply] [--prune]`
and `mapster directory template --kind … --format csv|xlsx OUT`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from directory import importing


class Command(BaseCommand):
    help = "Annuaire : import de clusters et d'adhérents (CSV ou XLSX), modèles de fichiers."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="importer un fichier (simulation sans --apply)")
        imp.add_argument("file")
        imp.add_argument("--kind", choices=importing.KINDS, required=True)
        imp.add_argument("--cluster", help="identifiant (slug) du cluster des adhérents")
        imp.add_argument("--apply", action="store_true", help="écrire (sinon simulation)")
        imp.add_argument(
            "--prune", action="store_true", help="retirer ce qui est absent du fichier"
        )
        imp.add_argument("--rejects", help="fichier des lignes rejetées (défaut : à côté)")
        tpl = sub.add_parser("template", help="écrire le fichier modèle")
        tpl.add_argument("out")
        tpl.add_argument("--kind", choices=importing.KINDS, required=True)
        tpl.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        poles = sub.add_parser("poles", help="charger les pôles de compétitivité du référentiel")
        poles.add_argument("--reference-dir", help="remplace MAPSTER_REFERENCE_DIR")

    # Reports come out in the default language, French, whoever calls the command.
    @no_translations
    def handle(self, *args, action, **options):
        if action == "poles":
            from directory.poles import load_poles
            from territories.loader import ReferenceDataError, reference_dir

            try:
                folder = reference_dir(options["reference_dir"])
            except ReferenceDataError as exc:
                raise CommandError(str(exc)) from None
            if not (Path(folder) / "poles-competitivite.csv").exists():
                raise CommandError(f"poles-competitivite.csv introuvable dans {folder!r}")
            self.stdout.write(load_poles(folder).summary())
            return
        if action == "template":
            out = Path(options["out"])
            out.write_bytes(importing.template_file(options["kind"], options["format"]))
            self.stdout.write(f"Modèle écrit dans {out}")
            return
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {path}")
        report = importing.import_file(
            path,
            options["kind"],
            cluster=options["cluster"],
            apply=options["apply"],
            prune=options["prune"],
            rejects_path=options["rejects"],
            progress=sys.stderr.isatty() or options["verbosity"] > 1,
        )
        if not report.ok:
            raise CommandError(report.summary())
        if options["verbosity"] >= 1:
            for line in report.changes[:50]:
                self.stdout.write("  " + line)
            if len(report.changes) > 50:
                self.stdout.write(f"  … et {len(report.changes) - 50} autres changements")
            for error in report.errors[:50]:
                self.stderr.write("  rejet " + str(error))
            if len(report.errors) > 50:
                self.stderr.write(f"  … et {len(report.errors) - 50} autres erreurs")
        self.stdout.write(report.summary())
