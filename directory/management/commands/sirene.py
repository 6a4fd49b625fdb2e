"""`mapster sirene enrich STOCK_FILE [--apply]`, `mapster sirene synth OUT --rows N [--parquet]`."""

import time

from django.core.management.base import BaseCommand, CommandError, no_translations

from directory import sirene


class Command(BaseCommand):
    help = (
        "SIRENE : enrichir les adhérents depuis StockEtablissement, ou générer un fichier de test."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        enrich = sub.add_parser("enrich", help="enrichir (simulation sans --apply)")
        enrich.add_argument("stock_file")
        enrich.add_argument("--apply", action="store_true", help="écrire les changements")
        synth = sub.add_parser("synth", help="écrire un StockEtablissement synthétique")
        synth.add_argument("out")
        synth.add_argument("--rows", type=int, required=True)
        synth.add_argument("--parquet", action="store_true")
        synth.add_argument("--seed", type=int, default=2020)

    # Reports come out in the default language, French, whoever calls the command.
    @no_translations
    def handle(self, *args, action, **options):
        started = time.perf_counter()
        try:
            if action == "synth":
                result = sirene.synthesize(
                    options["out"],
                    options["rows"],
                    parquet=options["parquet"],
                    seed=options["seed"],
                )
                self.stdout.write(
                    f"{result['rows']} lignes écrites dans {result['path']} "
                    f"(dont {result['members']} SIRET d'adhérents), "
                    f"en {time.perf_counter() - started:.1f} s."
                )
                return
            report = sirene.enrich(options["stock_file"], apply=options["apply"], progress=True)
        except sirene.SireneError as exc:
            raise CommandError(str(exc)) from None
        for line in report.changes[:30]:
            self.stdout.write("  " + line)
        self.stdout.write(report.summary())
        self.stdout.write(
            f"Lecture du fichier {report.scanned_seconds:.1f} s, "
            f"total {time.perf_counter() - started:.1f} s."
        )
