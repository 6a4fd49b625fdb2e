"""`mapster reference load`: thin wrapper over territories.loader."""

from django.core.management.base import BaseCommand, CommandError

from territories import loader


class Command(BaseCommand):
    help = "French reference data: régions, départements, EPCI, communes, TI, NAF, filières."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load or update the reference data (idempotent).")
        load.add_argument(
            "--departement",
            action="append",
            dest="departements",
            metavar="CODE",
            help="Only load the communes and EPCI of this département (repeatable).",
        )
        load.add_argument("--reference-dir", help="Overrides MAPSTER_REFERENCE_DIR.")
        load.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args, action, **options):
        try:
            report = loader.load(
                ref=options.get("reference_dir"),
                departements=options.get("departements"),
                progress=not options.get("no_progress"),
            )
        except loader.ReferenceDataError as exc:
            raise CommandError(f"Reference load stopped, nothing was written. {exc}") from exc
        for line in report.summary_lines():
            self.stdout.write(line)
        # Last step: the pôles de compétitivité become directory clusters (idempotent).
        from directory.poles import load_poles

        self.stdout.write(load_poles(loader.reference_dir(options.get("reference_dir"))).summary())
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            f"read {report.seconds['read']:.1f}s, write {report.seconds['write']:.1f}s"
        )
