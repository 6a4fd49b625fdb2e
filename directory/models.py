"""Clusters, their member companies and establishments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from activities.models import Filiere, NafCode
from territories.models import Commune, Region


class Provenance(models.TextChoices):
    IMPORT = "import", _("import de fichier")
    MANUAL = "manual", _("saisie manuelle")
    REFERENCE = "reference", _("liste de référence")
    DEMO = "demo", _("démonstration")
    SIRENE = "sirene", _("SIRENE")


class TrackedModel(models.Model):
    """Where a record comes from and when it last changed."""

    # Indexed on clusters only: on companies, establishments and memberships nearly all
    # rows share one value (all demo, or all real), so the index never narrows a query
    # and cost about a tenth of a 100,000-row import's INSERT time.
    is_demo = models.BooleanField(default=False)
    provenance = models.CharField(
        max_length=12, choices=Provenance.choices, default=Provenance.MANUAL
    )
    provenance_detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Cluster(TrackedModel):
    is_demo = models.BooleanField(default=False, db_index=True)

    class Kind(models.TextChoices):
        POLE = "pole", _("pôle de compétitivité")
        CLUSTER = "cluster", _("cluster d'entreprises")
        GRAPPE = "grappe", _("grappe d'entreprises")
        REGIONAL = "reseau", _("réseau régional")
        OTHER = "autre", _("autre")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        MEMBERS = "restricted", _("restreint aux utilisateurs connectés")
        HIDDEN = "hidden", _("masqué")

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.CLUSTER)
    siren = models.CharField(_("SIREN de la structure"), max_length=9, blank=True, db_index=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="clusters"
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    regions = models.ManyToManyField(Region, blank=True, related_name="clusters")
    main_filiere = models.ForeignKey(
        Filiere, null=True, blank=True, on_delete=models.SET_NULL, related_name="main_clusters"
    )
    filieres = models.ManyToManyField(Filiere, blank=True, related_name="clusters")
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    website = models.URLField(_("site web"), max_length=300, blank=True)
    # Label codes, see directory.labels.LABELS.
    labels = models.JSONField(default=list, blank=True)
    declared_members = models.PositiveIntegerField(_("adhérents déclarés"), null=True, blank=True)
    logo = models.ImageField(upload_to="logos/", blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    source_vintage = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cluster")

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A person at a cluster: personal data, exportable and erasable."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(_("fonction"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    consent_at = models.DateTimeField(_("date du consentement"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")

    def __str__(self):
        return self.name


class Company(TrackedModel):
    siren = models.CharField(max_length=9, unique=True)
    name = models.CharField(_("raison sociale"), max_length=250)
    naf = models.ForeignKey(
        NafCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="companies"
    )
    headcount_band = models.CharField(_("tranche d'effectif"), max_length=2, blank=True)
    legal_category = models.CharField(_("catégorie juridique"), max_length=4, blank=True)
    created_on = models.DateField(_("date de création"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="companies"
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    website = models.URLField(max_length=300, blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)
    offer = models.TextField(_("savoir-faire et offre"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("entreprise")
        verbose_name_plural = _("entreprises")

    def __str__(self):
        return self.name


class Establishment(TrackedModel):
    siret = models.CharField(max_length=14, unique=True)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="establishments")
    name = models.CharField(max_length=250, blank=True)
    is_head_office = models.BooleanField(default=False)
    naf = models.ForeignKey(
        NafCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="establishments"
    )
    headcount_band = models.CharField(max_length=2, blank=True)
    active = models.BooleanField(default=True)
    address = models.CharField(max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="establishments"
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["siret"]
        verbose_name = _("établissement")

    def __str__(self):
        return self.name or self.siret


class Membership(TrackedModel):
    class Role(models.TextChoices):
        MEMBER = "member", _("adhérent")
        FOUNDER = "founder", _("membre fondateur")
        PARTNER = "partner", _("partenaire")

    # No index of its own: the (cluster, company) unique constraint's index starts with it.
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    establishment = models.ForeignKey(
        Establishment, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    started_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("adhésion")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "company"], name="unique_membership")
        ]


class AuditEntry(models.Model):
    """Who changed what on clusters and memberships."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=20)  # create / update / delete / import / erase
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
