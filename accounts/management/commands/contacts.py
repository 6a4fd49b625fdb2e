"""`mapster contacts export EMAIL` and `mapster contacts erase EMAIL [--apply]`."""

import json

from django.core.management.base import BaseCommand, CommandError

from accounts import personal_data


class Command(BaseCommand):
    help = "Personal data about one e-mail address: export it (JSON) or erase it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Print every personal datum held, as JSON.")
        export.add_argument("email")
        erase = sub.add_parser("erase", help="Erase or anonymise (dry run without --apply).")
        erase.add_argument("email")
        erase.add_argument("--apply", action="store_true", help="Really erase.")

    def handle(self, *args, action, email, **options):
        if "@" not in email:
            raise CommandError(f"Adresse e-mail attendue, reçu « {email} ».")
        if action == "export":
            self.stdout.write(personal_data.export_json(email))
            return
        plan = personal_data.erase(email, apply=options["apply"])
        for line in plan.details:
            self.stdout.write(f"  {line}")
        counts = json.dumps(plan.summary(), ensure_ascii=False)
        if plan.applied:
            self.stdout.write(self.style.SUCCESS(f"Effacé pour {plan.email} : {counts}"))
        else:
            self.stdout.write(
                f"Simulation pour {plan.email} (rien n'est modifié ; --apply pour effacer) : "
                f"{counts}"
            )
