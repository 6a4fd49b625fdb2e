"""`mapster survey …`: barometers from the command line (thin wrapper over surveys.services)."""

import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys import exports, services
from surveys.models import Survey
from surveys.results import survey_results
from surveys.xlsform import FormError, export_xlsform


class Command(BaseCommand):
    help = "Baromètres : import de questionnaires XLSForm et de réponses, résultats, exports."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        form = sub.add_parser("import-form", help="importer un questionnaire XLSForm (.xlsx)")
        form.add_argument("file")
        form.add_argument("--slug", help="identifiant du baromètre (défaut : form_id)")
        answers = sub.add_parser("import-responses", help="importer un export CSV Kobo/ODK")
        answers.add_argument("slug")
        answers.add_argument("file")
        answers.add_argument("--dry-run", action="store_true", help="vérifier sans écrire")
        answers.add_argument("--rejects-dir", help="dossier du fichier des lignes rejetées")
        results = sub.add_parser("results", help="résultats agrégés")
        results.add_argument("slug")
        results.add_argument("--format", choices=["json", "csv"], default="json")
        results.add_argument("--published", action="store_true", help="avec le secret statistique")
        export = sub.add_parser("export", help="exporter réponses, résultats ou questionnaire")
        export.add_argument("slug")
        export.add_argument(
            "what",
            choices=[
                "answers.csv",
                "answers.xlsx",
                "results.csv",
                "results.xlsx",
                "results.json",
                "form.xlsx",
            ],
        )
        export.add_argument("-o", "--output", required=True)
        headlines = sub.add_parser("load-headlines", help="charger les chiffres clés (JSON)")
        headlines.add_argument("slug")
        headlines.add_argument("file")
        b2020 = sub.add_parser(
            "load-barometre-2020", help="construire le baromètre de décembre 2020 complet"
        )
        b2020.add_argument(
            "--fixtures-dir",
            default=os.environ.get("MAPSTER_FIXTURES_DIR", ""),
            help="dossier contenant barometre-2020/ (défaut : $MAPSTER_FIXTURES_DIR)",
        )
        sub.add_parser("list", help="lister les baromètres")

    def handle(self, *args, action, **options):
        return getattr(self, "do_" + action.replace("-", "_"))(**options)

    def survey(self, slug) -> Survey:
        try:
            return Survey.objects.get(slug=slug)
        except Survey.DoesNotExist:
            raise CommandError(f"Baromètre inconnu : {slug}") from None

    def do_import_form(self, file, slug=None, **_):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            result = services.import_form(path.read_bytes(), path.name, slug=slug)
        except FormError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)} erreur(s) dans le questionnaire") from None
        for warning in result.warnings:
            self.stderr.write(f"avertissement pyxform : {warning}")
        labels = {
            "created": "créé",
            "new_version": f"nouvelle version {result.version.number}",
            "updated": "questionnaire remplacé (aucune réponse encore)",
            "unchanged": "inchangé",
        }
        questions = len(result.version.answerable)
        self.stdout.write(
            f"{questions} questions, version {result.version.number} : {labels[result.action]}"
        )
        # The slug is the last word of the last line: scripts read it from there.
        self.stdout.write(f"Baromètre : {result.survey.slug}")

    def do_import_responses(self, slug, file, dry_run=False, rejects_dir=None, **_):
        survey = self.survey(slug)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            result = services.import_responses(
                survey,
                path.read_bytes(),
                path.name,
                apply=not dry_run,
                rejects_dir=Path(rejects_dir) if rejects_dir else None,
                progress=sys.stderr.isatty(),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for p in result.problems:
            value = f" (« {p.value} »)" if p.value else ""
            self.stderr.write(f"ligne {p.line}, colonne {p.column} : {p.reason}{value}")
        self.stdout.write(result.summary())

    def do_results(self, slug, format="json", published=False, **_):
        results = survey_results(self.survey(slug), published=published)
        if format == "json":
            self.stdout.write(json.dumps(results, ensure_ascii=False))
        else:
            self.stdout.write(exports.results_csv(results).decode("utf-8-sig"), ending="")

    def do_export(self, slug, what, output, **_):
        survey = self.survey(slug)
        if what == "form.xlsx":
            data = export_xlsform(survey.current_version.definition)
        elif what.startswith("answers"):
            data = (
                exports.answers_csv(survey)
                if what.endswith("csv")
                else exports.answers_xlsx(survey)
            )
        else:
            results = survey_results(survey)
            data = {
                "results.csv": exports.results_csv,
                "results.xlsx": exports.results_xlsx,
                "results.json": exports.results_json,
            }[what](results)
        Path(output).write_bytes(data)
        self.stdout.write(f"{what} écrit dans {output} ({len(data)} octets)")

    def do_load_headlines(self, slug, file, **_):
        count = services.load_headlines(self.survey(slug), Path(file))
        self.stdout.write(f"{count} chiffres clés chargés")

    def do_load_barometre_2020(self, fixtures_dir="", **_):
        folder = Path(fixtures_dir) / "barometre-2020" if fixtures_dir else None
        if folder is None or not folder.is_dir():
            raise CommandError(
                "Dossier barometre-2020/ introuvable : passez --fixtures-dir ou "
                "définissez MAPSTER_FIXTURES_DIR."
            )
        try:
            survey, summary = services.load_barometre_2020(
                Path(fixtures_dir), progress=sys.stderr.isatty()
            )
        except FormError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(summary)
        self.stdout.write(
            f"{survey.headlines.count()} chiffres clés ; "
            f"rapport : /barometres/{survey.slug}/rapport/"
        )
        self.stdout.write(f"Baromètre : {survey.slug}")

    def do_list(self, **_):
        for survey in Survey.objects.all():
            state = "publié" if survey.published else "non publié"
            self.stdout.write(
                f"{survey.slug}\t{survey.responses.count()} réponses\t{state}\t{survey.title}"
            )
