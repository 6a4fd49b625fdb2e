"""Barometers: surveys of clusters defined as XLSForms, their answers and headline figures.

A Survey owns numbered SurveyVersions. A version keeps the questionnaire as parsed
(`definition`, see surveys/xlsform.py for its shape) and the original XLSForm bytes.
Editing a questionnaire that already has answers creates a new version; every Response
points at the version it was given on, so old answers keep their questions.

Answers are one JSON object per Response ({question name: value}) rather than one row
per answer: results read every answer of a survey at once, and 1,000 responses × 40
questions is one query of 1,000 rows instead of 40,000 (see benchmarks/surveys.py).
Stored value types: text/select_one/date -> str (date ISO), integer -> int,
decimal -> float, select_multiple -> list of choice names. Unanswered -> key absent.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

QUESTION_TYPES = (
    "text",
    "integer",
    "decimal",
    "date",
    "select_one",
    "select_multiple",
    "note",
    "begin_group",
    "end_group",
    "calculate",
)
# Types that hold no answer.
STRUCTURAL_TYPES = {"note", "begin_group", "end_group"}
SELECT_TYPES = {"select_one", "select_multiple"}
NUMBER_TYPES = {"integer", "decimal"}


def pick_label(labels: dict | str | None, language: str = "fr") -> str:
    """The label in `language` ("fr", "en") from {"French (fr)": ..., "": ...}."""
    if not labels:
        return ""
    if isinstance(labels, str):
        return labels
    for key, text in labels.items():
        if key == language or key.endswith(f"({language})"):
            if text:
                return text
    if labels.get(""):
        return labels[""]
    return next((text for text in labels.values() if text), "")


class Survey(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    title = models.CharField(_("titre"), max_length=300)
    description = models.TextField(_("présentation"), blank=True)
    organisation = models.CharField(_("organisme"), max_length=200, blank=True)
    period = models.CharField(_("période"), max_length=100, blank=True)
    published = models.BooleanField(
        _("résultats publiés"),
        default=False,
        help_text=_("Les résultats et le rapport sont visibles de tous."),
    )
    # Real published survey data (the 2020 barometer) or an invented demo survey.
    is_demo = models.BooleanField(default=False)
    data_note = models.TextField(
        _("note sur les données"),
        blank=True,
        help_text=_("Affichée dans la page « À propos » du rapport (origine des réponses…)."),
    )
    # Layout of the publishable report: {"title", "source", "sections": [{"title", "intro",
    # "example_categories"}], "examples": {"category": question name, ...}}.
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("baromètre")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("surveys:results", args=[self.slug])

    @property
    def current_version(self) -> "SurveyVersion | None":
        return self.versions.order_by("-number").first()


class SurveyVersion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # form_version of the XLSForm settings sheet, as the author wrote it.
    form_version = models.CharField(max_length=60, blank=True)
    definition = models.JSONField()
    xlsform = models.BinaryField(_("fichier XLSForm d'origine"), blank=True, default=b"")
    xlsform_name = models.CharField(max_length=255, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="unique_survey_version")
        ]

    def __str__(self):
        return f"{self.survey.slug} v{self.number}"

    # Helpers over the JSON definition, shared by results, imports and the answer form.
    @property
    def questions(self) -> list[dict]:
        """Every row of the survey sheet, in order (groups and notes included)."""
        return self.definition.get("questions", [])

    @property
    def answerable(self) -> list[dict]:
        return [q for q in self.questions if q["type"] not in STRUCTURAL_TYPES]

    def question(self, name: str) -> dict | None:
        return next((q for q in self.questions if q.get("name") == name), None)

    def choices(self, question: dict) -> list[dict]:
        return self.definition.get("choices", {}).get(question.get("list_name") or "", [])


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("envoyée")

    class Source(models.TextChoices):
        WEB = "web", _("formulaire web")
        IMPORT = "import", _("import de fichier")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    cluster = models.ForeignKey(
        "directory.Cluster",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    # Kobo/ODK `_uuid`: re-importing the same export finds the same rows.
    external_uuid = models.CharField(max_length=100, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["survey", "submitted_at", "pk"]
        verbose_name = _("réponse")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "external_uuid"],
                condition=~models.Q(external_uuid=""),
                name="unique_response_uuid",
            )
        ]
        indexes = [models.Index(fields=["survey", "status"])]

    def __str__(self):
        return f"{self.survey.slug} #{self.pk}"


class HeadlineFigure(models.Model):
    """A figure of the report: a sentence template filled from the results.

    The number is never typed: `{percent}` is the share of `choice` among those who
    answered `question`, rounded as `rounding` says. `{count}` and `{answered}` are also
    available.
    """

    class Rounding(models.TextChoices):
        UNITS = "0", _("entier (65 %)")
        ONE_DECIMAL = "1", _("une décimale (73,7 %)")
        FRACTION = "fraction", _("fraction simple (1/3)")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="headlines")
    question = models.CharField(max_length=100)
    choice = models.CharField(max_length=100)
    template = models.TextField(
        help_text=_("Phrase avec {percent}, {count}, {answered} ; ex. « {percent}% des… »")
    )
    rounding = models.CharField(max_length=10, choices=Rounding.choices, default=Rounding.UNITS)
    # "." as the seed prints 73.7%; "," for French typography.
    decimal_separator = models.CharField(max_length=1, default=",")
    section = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["survey", "order", "pk"]
        verbose_name = _("chiffre clé")

    def __str__(self):
        return self.template


class ImportRun(models.Model):
    """One answers import: what it changed and its per-row report."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="import_runs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    filename = models.CharField(max_length=255)
    applied = models.BooleanField(default=False)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
