"""French reference geography, loaded by `mapster reference load`.

Codes are the natural keys (INSEE codes, EPCI SIREN) because every import and
every URL refers to territories by code, and a reload must find the same rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    """A reference data source, with the vintage and licence shown to users."""

    key = models.SlugField(primary_key=True, max_length=64)
    name = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    licence = models.CharField(max_length=120)
    licence_url = models.URLField(max_length=500, blank=True)
    vintage = models.CharField(max_length=60)
    attribution = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")

    def __str__(self):
        return f"{self.name} ({self.vintage})"


class Region(models.Model):
    code = models.CharField(primary_key=True, max_length=3)
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    zone = models.CharField(max_length=10)  # metro / drom
    chef_lieu = models.CharField(max_length=5, blank=True)
    geometry = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("région")

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField(primary_key=True, max_length=3)
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    zone = models.CharField(max_length=10)
    chef_lieu = models.CharField(max_length=5, blank=True)
    geometry = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")

    def __str__(self):
        return f"{self.name} ({self.code})"


class ZoneEmploi(models.Model):
    code = models.CharField(primary_key=True, max_length=5)
    name = models.CharField(max_length=150)

    class Meta:
        ordering = ["name"]
        verbose_name = _("zone d'emploi")
        verbose_name_plural = _("zones d'emploi")

    def __str__(self):
        return self.name


class EPCI(models.Model):
    siren = models.CharField(primary_key=True, max_length=9)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)  # CC, CA, CU, METRO, MET69
    population = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"

    def __str__(self):
        return self.name


class Commune(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "commune", _("commune")
        ARRONDISSEMENT = "arrondissement", _("arrondissement municipal")

    code = models.CharField(primary_key=True, max_length=5)
    name = models.CharField(max_length=150)
    name_key = models.CharField(max_length=150, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMUNE)
    # Arrondissements municipaux point to Paris, Lyon or Marseille.
    city = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="arrondissements"
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        EPCI, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes"
    )
    zone_emploi = models.ForeignKey(
        ZoneEmploi, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes"
    )
    population = models.PositiveIntegerField(null=True, blank=True)
    postal_codes = models.JSONField(default=list, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    centre_method = models.CharField(max_length=20, blank=True)
    # ANCT programmes the commune takes part in (CRTE, PVD, ACV…), as loaded.
    programmes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("commune")

    def __str__(self):
        return f"{self.name} ({self.code})"


class FormerCommuneCode(models.Model):
    """A code that no longer exists, kept so that old records still resolve."""

    code = models.CharField(primary_key=True, max_length=5)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="former_codes")
    name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} → {self.commune_id}"


class PostalCode(models.Model):
    code = models.CharField(max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_entries")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="unique_postal_code_commune")
        ]


class TerritoireIndustrie(models.Model):
    class Generation(models.TextChoices):
        FIRST = "2018-2022", "2018-2022"
        SECOND = "2023-2027", "2023-2027"

    slug = models.SlugField(max_length=200, unique=True)
    name = models.CharField(max_length=200)
    generation = models.CharField(max_length=9, choices=Generation.choices)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="territoires"
    )
    list_label = models.CharField(max_length=200, blank=True)
    departements = models.ManyToManyField(Departement, blank=True, related_name="territoires")
    communes = models.ManyToManyField(Commune, blank=True, related_name="territoires")
    epcis = models.ManyToManyField(EPCI, blank=True, related_name="territoires")
    source_url = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "generation"]
        verbose_name = _("Territoire d'industrie")
        verbose_name_plural = _("Territoires d'industrie")

    def __str__(self):
        return f"{self.name} ({self.generation})"
