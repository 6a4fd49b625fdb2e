"""The good-practice catalogue: examples of what clusters did, moderated by operators."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from showcase.normalize import THEME_LABELS


class Example(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("soumis à modération")
        PUBLISHED = "published", _("publié")
        REJECTED = "rejected", _("refusé")

    class Provenance(models.TextChoices):
        SEED_2020 = "seed_2020", _("rapport 2020")
        MANAGER = "manager", _("proposé par un cluster")
        SURVEY = "survey", _("réponse à un baromètre")

    class Category(models.TextChoices):
        GEL = "gel_desinfection", _("Gel et produits de désinfection")
        PCR = "tests_pcr", _("Productions liées au test PCR")
        MASQUES = "masques", _("Masques")
        DIVERS = "productions_diverses", _("Productions diverses")
        COMMERCE = "activite_commerciale", _("Maintien de l'activité commerciale")
        RELOCALISATION = "relocalisation", _("Relocalisation")
        MARCHES = "nouveaux_marches", _("Nouveaux marchés")
        FINANCEMENT = "financement", _("Aide au financement")
        AUTRE = "autre", _("Autre")

    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"))
    category = models.CharField(
        _("catégorie"), max_length=30, choices=Category.choices, default=Category.AUTRE
    )
    section = models.CharField(_("section du rapport"), max_length=300, blank=True)
    filiere_label = models.CharField(_("filière (texte saisi)"), max_length=200, blank=True)
    filiere = models.ForeignKey(
        "activities.Filiere",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="examples",
        verbose_name=_("filière"),
    )
    cluster = models.ForeignKey(
        "directory.Cluster",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="examples",
        verbose_name=_("cluster"),
    )
    region_label = models.CharField(_("région (texte saisi)"), max_length=200, blank=True)
    regions = models.ManyToManyField(
        "territories.Region", blank=True, related_name="examples", verbose_name=_("régions")
    )
    # True when the région text named no official région (kept as typed in region_label).
    region_unmapped = models.BooleanField(_("région non reconnue"), default=False, db_index=True)
    themes = models.JSONField(_("thèmes"), default=list, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=Provenance.choices, default=Provenance.MANAGER
    )
    # Stable key of a seeded row (hash of its description) so that reloading finds it.
    seed_key = models.CharField(max_length=40, unique=True, null=True, blank=True)
    # "response:<id>:<question name>" when taken from a survey answer.
    source_ref = models.CharField(max_length=120, blank=True, db_index=True)
    is_demo = models.BooleanField(default=False, db_index=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_examples",
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderated_examples",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.TextField(_("motif de modération"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-status", "category", "title"]
        verbose_name = _("exemple")
        verbose_name_plural = _("exemples")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("showcase:detail", args=[self.pk])

    @property
    def theme_labels(self):
        return [THEME_LABELS.get(t, t) for t in self.themes]

    def locations(self) -> list[dict]:
        """Where the map places the example: the cluster's commune, else each région."""

        commune = self.cluster.commune if self.cluster_id else None
        if commune is not None and commune.lat is not None:
            return [{"lat": commune.lat, "lon": commune.lon, "label": commune.name}]
        from showcase.geo import region_centroid

        out = []
        for region in self.regions.all():
            point = region_centroid(region)
            if point:
                out.append({"lat": point[0], "lon": point[1], "label": region.name})
        return out
