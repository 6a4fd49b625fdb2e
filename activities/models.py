"""NAF rev. 2 and the filières of the seed report."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Filiere(models.Model):
    slug = models.SlugField(primary_key=True, max_length=60)
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("filière")

    def __str__(self):
        return self.name


class NafCode(models.Model):
    class Level(models.IntegerChoices):
        SECTION = 1, _("section")
        DIVISION = 2, _("division")
        GROUP = 3, _("groupe")
        CLASS = 4, _("classe")
        SUBCLASS = 5, _("sous-classe")

    code = models.CharField(primary_key=True, max_length=6)
    label = models.CharField(max_length=300)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    # Only sub-classes carry a filière; see activities/data/naf_filieres.csv.
    filiere = models.ForeignKey(
        Filiere, null=True, blank=True, on_delete=models.SET_NULL, related_name="naf_codes"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("code NAF")

    def __str__(self):
        return f"{self.code} {self.label}"
