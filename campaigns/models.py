"""Barometer campaigns: who is asked to answer which survey version, and until when.

Each targeted cluster gets an Invitation. The link in the e-mail carries a random
token; only its SHA-256 is stored (InvitationToken), so a database leak gives no
working link. A reminder issues a fresh token and the earlier ones keep working, so
that a manager may use whichever e-mail they find first.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    version = models.ForeignKey(
        "surveys.SurveyVersion",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("version du questionnaire"),
    )
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    # Closed by an operator before closes_at.
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    # {"all": bool, "kinds": [...], "regions": [codes], "filieres": [slugs]} as chosen.
    targeting = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message d'invitation"), blank=True)
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("campagne")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:dashboard", args=[self.pk])

    @property
    def survey(self):
        return self.version.survey

    @property
    def effective_close(self):
        return min(self.closed_at, self.closes_at) if self.closed_at else self.closes_at

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.effective_close

    def has_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.effective_close

    def has_not_opened(self, now=None) -> bool:
        return (now or timezone.now()) < self.opens_at


class Invitation(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    cluster = models.ForeignKey(
        "directory.Cluster", on_delete=models.CASCADE, related_name="campaign_invitations"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    response = models.OneToOneField(
        "surveys.Response",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )
    # What was typed, as typed, including values the checks refused: a draft loses nothing.
    draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "cluster__name"]
        verbose_name = _("invitation")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "cluster"], name="unique_invitation")
        ]

    def __str__(self):
        return f"{self.campaign} → {self.cluster}"

    @property
    def answered(self) -> bool:
        return self.response_id is not None and self.response.status == "submitted"

    def issue_token(self) -> str:
        """A new link token; only its hash is kept."""

        raw = secrets.token_urlsafe(32)
        InvitationToken.objects.create(invitation=self, digest=InvitationToken.hash(raw))
        return raw


class InvitationToken(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
