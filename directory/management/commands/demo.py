"""`mapster demo [--if-empty] [--clusters 400 --companies 80000 --seed N] [--clear]`."""

from django.core.management.base import BaseCommand, CommandError

from directory import demo


class Command(BaseCommand):
    help = (
        "Génère le réseau de démonstration (clusters et entreprises fictifs, marqués démo) "
        "et des adhérents de démonstration pour les pôles réels."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="ne rien faire si la démo existe"
        )
        parser.add_argument(
            "--clusters",
            type=int,
            default=400,
            help="clusters du réseau, réels compris (les pôles réels comptent)",
        )
        parser.add_argument(
            "--companies",
            type=int,
            default=80_000,
            help="entreprises adhérentes du réseau, adhérents réels compris",
        )
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--clear", action="store_true", help="supprimer la démo et s'arrêter")

    def handle(self, *args, **options):
        if options["clear"]:
            removed = demo.clear_demo()
            from core import search

            search.rebuild_all()
            self.stdout.write(f"Démo supprimée : {removed} lignes.")
            return
        try:
            report = demo.generate(
                clusters=options["clusters"],
                companies=options["companies"],
                seed=options["seed"],
                if_empty=options["if_empty"],
                progress=options["verbosity"] >= 1,
            )
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(report.summary())
