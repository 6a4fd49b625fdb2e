"""Account operations shared by views, the admin and commands."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import ApiToken, Invitation, Role

INVITATION_VALIDITY = timedelta(days=7)

# Login throttling: this many failures for one username from one address lock that
# pair for the window. Keyed on both so that an attacker cannot lock a user out from
# elsewhere, and a shared address does not lock everyone.
LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW_SECONDS = 15 * 60


# API tokens -------------------------------------------------------------------------


def issue_token(user, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""

    return ApiToken.issue(user, (name or "").strip()[:100] or "jeton")


def revoke_token(user, token_id: int) -> bool:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(updated)


# Login throttling -------------------------------------------------------------------


def _login_key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{(username or '').strip().lower()}|{ip}".encode()).hexdigest()
    return f"login-failures:{digest}"


def login_locked(username: str, ip: str) -> bool:
    return cache.get(_login_key(username, ip), 0) >= LOGIN_MAX_FAILURES


def login_failed(username: str, ip: str) -> None:
    key = _login_key(username, ip)
    # add() starts the window at the first failure; incr() keeps its expiry.
    cache.add(key, 0, timeout=LOGIN_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=LOGIN_WINDOW_SECONDS)


def login_succeeded(username: str, ip: str) -> None:
    cache.delete(_login_key(username, ip))


# Invitations ------------------------------------------------------------------------


def create_invitation(
    inviter, *, email: str, kind: str, cluster=None, company=None, institution: str = ""
) -> tuple[Invitation, str]:
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email.strip().lower(),
        kind=kind,
        cluster=cluster,
        company=company,
        institution=institution,
        digest=ApiToken.hash(raw),
        invited_by=inviter,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    return invitation, raw


def invitation_url(raw: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("accounts:accept_invitation", args=[raw])


def send_invitation(invitation: Invitation, raw: str) -> None:
    context = {"invitation": invitation, "url": invitation_url(raw)}
    send_mail(
        render_to_string("accounts/email/invitation_subject.txt", context).strip(),
        render_to_string("accounts/email/invitation.txt", context),
        None,
        [invitation.email],
    )


def find_invitation(raw: str) -> Invitation | None:
    """The pending, unexpired invitation for this raw token, if any."""

    if not raw or len(raw) > 200:
        return None
    return (
        Invitation.objects.select_related("cluster", "company")
        .filter(digest=ApiToken.hash(raw), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def accept_invitation(invitation: Invitation, password: str):
    """Create (or find) the account for the invited address, set its password and
    grant the role. The invitation cannot be used again."""

    User = get_user_model()
    # Locks the row: two simultaneous clicks cannot both accept.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValueError("invitation already used")
    user = User.objects.filter(email__iexact=invitation.email).order_by("pk").first()
    if user is None:
        user = User(username=invitation.email[:150], email=invitation.email)
    user.is_active = True
    user.set_password(password)
    user.save()
    Role.objects.get_or_create(
        user=user,
        kind=invitation.kind,
        cluster=invitation.cluster,
        company=invitation.company,
        institution=invitation.institution,
    )
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    permissions.forget_roles(user)
    return user
