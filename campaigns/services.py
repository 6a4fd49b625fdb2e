"""Campaign work: targeting, invitations and reminders, saving answers.

Views, the admin and the `campaigns` command call these functions; the server-side
checks of every answer are surveys.answers.clean_submission, the same as the CSV
importer's, so the page's JavaScript is only a convenience.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Invitation, InvitationToken
from directory.models import Cluster
from surveys.answers import AnswerError, clean_submission
from surveys.models import Response


def targeted_clusters(targeting: dict) -> QuerySet:
    """Clusters matching every criterion given (kind, région, filière), or all."""

    qs = Cluster.objects.exclude(visibility=Cluster.Visibility.HIDDEN)
    if targeting.get("all"):
        return qs.order_by("name")
    if targeting.get("kinds"):
        qs = qs.filter(kind__in=targeting["kinds"])
    if targeting.get("regions"):
        codes = targeting["regions"]
        qs = qs.filter(Q(regions__code__in=codes) | Q(commune__region__code__in=codes))
    if targeting.get("filieres"):
        slugs = targeting["filieres"]
        qs = qs.filter(Q(main_filiere__slug__in=slugs) | Q(filieres__slug__in=slugs))
    if not any(targeting.get(k) for k in ("kinds", "regions", "filieres")):
        return qs.none()
    return qs.distinct().order_by("name")


def contact_email(cluster: Cluster) -> str:
    contact = cluster.contacts.exclude(email="").order_by("pk").first()
    return contact.email if contact else ""


def answer_url(raw_token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/repondre/{raw_token}/"


@dataclass
class SendReport:
    invited: int = 0
    sent: int = 0
    without_email: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "%(invited)d invitation(s) créée(s), %(sent)d e-mail(s) envoyé(s), "
            "%(missing)d cluster(s) sans e-mail"
        ) % {
            "invited": self.invited,
            "sent": self.sent,
            "missing": len(self.without_email),
        }


def _send(invitation: Invitation, *, reminder: bool) -> bool:
    if not invitation.email:
        return False
    raw = invitation.issue_token()
    campaign = invitation.campaign
    context = {
        "campaign": campaign,
        "cluster": invitation.cluster,
        "url": answer_url(raw),
        "reminder": reminder,
    }
    subject = (_("Rappel : %(title)s") if reminder else _("Invitation : %(title)s")) % {
        "title": campaign.title
    }
    send_mail(
        subject,
        render_to_string("campaigns/email_invitation.txt", context),
        None,
        [invitation.email],
    )
    now = timezone.now()
    if reminder:
        invitation.reminded_at = now
        invitation.reminders += 1
        invitation.save(update_fields=["reminded_at", "reminders"])
    else:
        invitation.sent_at = now
        invitation.save(update_fields=["sent_at"])
    return True


def invite(campaign: Campaign) -> SendReport:
    """Invite every targeted cluster not yet invited; rerunning sends nothing twice."""

    report = SendReport()
    for cluster in targeted_clusters(campaign.targeting):
        invitation, created = Invitation.objects.get_or_create(
            campaign=campaign, cluster=cluster, defaults={"email": contact_email(cluster)}
        )
        if created:
            report.invited += 1
        if invitation.sent_at is None:
            if _send(invitation, reminder=False):
                report.sent += 1
            else:
                report.without_email.append(cluster.name)
    return report


def pending(campaign: Campaign) -> QuerySet:
    """Invitations without a submitted answer."""

    return campaign.invitations.exclude(response__status=Response.Status.SUBMITTED)


def remind(campaign: Campaign, *, dry_run: bool = False) -> SendReport:
    report = SendReport()
    if not campaign.is_open():
        return report
    for invitation in pending(campaign).select_related("cluster", "campaign"):
        if not invitation.email:
            invitation.email = contact_email(invitation.cluster)
            if invitation.email and not dry_run:
                invitation.save(update_fields=["email"])
        if not invitation.email:
            report.without_email.append(invitation.cluster.name)
            continue
        if dry_run or _send(invitation, reminder=True):
            report.sent += 1
    return report


def invitation_for_token(raw: str) -> Invitation | None:
    if not raw or len(raw) > 100:
        return None
    token = (
        InvitationToken.objects.select_related(
            "invitation__campaign__version__survey", "invitation__cluster"
        )
        .filter(digest=InvitationToken.hash(raw))
        .first()
    )
    if token is None:
        return None
    InvitationToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.invitation


class CampaignClosed(Exception):
    pass


@dataclass
class SaveResult:
    response: Response | None
    errors: list[AnswerError]
    submitted: bool


def save_answers(invitation: Invitation, raw: dict, *, submit: bool) -> SaveResult:
    """Store a draft (always, as typed) and, when asked and valid, submit it.

    The typed draft keeps even refused values so that nothing is lost; the Response
    holds only what passed the checks. A submitted answer stays submitted when later
    edits are saved as drafts: results keep its last valid state until resubmitted.
    """

    campaign = invitation.campaign
    if not campaign.is_open():
        raise CampaignClosed
    definition = campaign.version.definition
    answers, errors = clean_submission(definition, raw, partial=not submit)
    # A value that breaks its constraint stays in the typed draft, not in the response.
    refused = {e.question for e in errors}
    answers = {k: v for k, v in answers.items() if k not in refused}
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        now = timezone.now()
        invitation.draft = {k: v for k, v in raw.items() if v not in (None, "", [])}
        invitation.draft_saved_at = now
        response = invitation.response
        if response is None:
            response = Response.objects.create(
                survey=campaign.version.survey,
                version=campaign.version,
                cluster=invitation.cluster,
                status=Response.Status.DRAFT,
                source=Response.Source.WEB,
                answers=answers,
            )
            invitation.response = response
        submitted = False
        if submit and not errors:
            response.answers = answers
            response.status = Response.Status.SUBMITTED
            response.submitted_at = response.submitted_at or now
            response.save()
            submitted = True
        elif response.status == Response.Status.DRAFT:
            response.answers = answers
            response.save(update_fields=["answers", "updated_at"])
        invitation.save(update_fields=["draft", "draft_saved_at", "response"])
    return SaveResult(response, errors, submitted)


def close(campaign: Campaign) -> None:
    if campaign.closed_at is None:
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["closed_at"])


def rates(campaign: Campaign) -> dict:
    """Response rate overall, by région and by filière of the invited clusters."""

    invitations = list(
        campaign.invitations.select_related(
            "cluster__commune__region", "cluster__main_filiere", "response"
        ).prefetch_related("cluster__regions")
    )

    def bucket(groups: dict, key: str, answered: bool):
        entry = groups.setdefault(key, {"label": key, "invited": 0, "answered": 0})
        entry["invited"] += 1
        entry["answered"] += int(answered)

    by_region: dict = {}
    by_filiere: dict = {}
    for inv in invitations:
        answered = inv.response_id is not None and inv.response.status == "submitted"
        cluster = inv.cluster
        regions = [r.name for r in cluster.regions.all()]
        if not regions and cluster.commune_id:
            regions = [cluster.commune.region.name]
        for name in regions or [_("Région inconnue")]:
            bucket(by_region, name, answered)
        bucket(
            by_filiere,
            cluster.main_filiere.name if cluster.main_filiere_id else _("Filière non renseignée"),
            answered,
        )
    total = len(invitations)
    done = sum(
        1 for i in invitations if i.response_id is not None and i.response.status == "submitted"
    )

    def finish(groups):
        rows = sorted(groups.values(), key=lambda e: e["label"])
        for row in rows:
            row["rate"] = round(100 * row["answered"] / row["invited"]) if row["invited"] else 0
        return rows

    return {
        "invited": total,
        "answered": done,
        "rate": round(100 * done / total) if total else 0,
        "by_region": finish(by_region),
        "by_filiere": finish(by_filiere),
    }
