"""Roles and API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.Model):
    class Kind(models.TextChoices):
        OPERATOR = "operator", _("opérateur du réseau")
        MANAGER = "manager", _("animateur de cluster")
        COMPANY = "company", _("utilisateur entreprise")
        INSTITUTION = "institution", _("institution")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    cluster = models.ForeignKey(
        "directory.Cluster", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    company = models.ForeignKey(
        "directory.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    institution = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("rôle")

    def __str__(self):
        target = self.cluster or self.company or self.institution
        return f"{self.get_kind_display()} · {target}" if target else self.get_kind_display()


class ApiToken(models.Model):
    """Only a hash is stored: a leaked database gives no usable token."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Revoked tokens are kept (not deleted) so the account page can list them and the
    # API can say why a request is refused.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self):
        return f"{self.name} (mst_{self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        raw = "mst_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[4:12], digest=cls.hash(raw))
        return token, raw


class Invitation(models.Model):
    """An operator invites someone by e-mail to take a role.

    The e-mailed link carries a random token; only its hash is stored. It works once,
    before `expires_at`.
    """

    email = models.EmailField(_("e-mail"))
    kind = models.CharField(_("rôle"), max_length=12, choices=Role.Kind.choices)
    cluster = models.ForeignKey(
        "directory.Cluster",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("cluster"),
    )
    company = models.ForeignKey(
        "directory.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("entreprise"),
    )
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")

    def __str__(self):
        return f"{self.email} · {self.get_kind_display()}"
