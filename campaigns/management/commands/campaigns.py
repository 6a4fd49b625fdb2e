"""`mapster campaigns remind`: thin wrapper over campaigns.services."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from campaigns import services
from campaigns.models import Campaign


class Command(BaseCommand):
    help = "Campagnes : remind relance les clusters qui n'ont pas encore répondu."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="Relancer les invités sans réponse.")
        remind.add_argument("--campaign", type=int, help="Une seule campagne (id).")
        remind.add_argument("--dry-run", action="store_true", help="Compter sans envoyer d'e-mail.")

    def handle(self, *args, action, **options):
        campaigns = [c for c in Campaign.objects.order_by("pk") if c.is_open()]
        if options.get("campaign"):
            campaigns = [c for c in campaigns if c.pk == options["campaign"]]
            if not campaigns:
                raise CommandError(f"Pas de campagne ouverte d'id {options['campaign']}.")
        sent = missing = 0
        for campaign in tqdm(campaigns, desc="campagnes", unit="campagne"):
            report = services.remind(campaign, dry_run=options["dry_run"])
            sent += report.sent
            missing += len(report.without_email)
            for name in report.without_email:
                self.stderr.write(f"{campaign.title} : pas d'e-mail pour {name}")
        verb = "à envoyer" if options["dry_run"] else "envoyée(s)"
        self.stdout.write(
            f"{len(campaigns)} campagne(s) ouverte(s), {sent} relance(s) {verb}, "
            f"{missing} cluster(s) sans e-mail"
        )
