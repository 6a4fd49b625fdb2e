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

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        raw = "mst_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[4:12], digest=cls.hash(raw))
        return token, raw
