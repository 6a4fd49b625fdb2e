"""API authentication: `Authorization: Bearer <token>` tied to a user.

Reads accept an optional token (or the session, for the site's own pages); writes
require a token. A missing, unknown, revoked token or an inactive user gets a 401
with a `detail` saying which, in the request's language (docs/translations.md).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from accounts.models import ApiToken

# Avoid a write on every request: last_used_at is refreshed at most once a minute.
_TOUCH_EVERY_SECONDS = 60


class TokenError(HttpError):
    def __init__(self, message: str):
        super().__init__(401, message)


def user_for_token(raw: str):
    """The token's user, or raise TokenError with the reason."""

    raw = (raw or "").strip()
    if not raw or "\x00" in raw or len(raw) > 200:
        raise TokenError(_("Jeton d'API invalide."))
    token = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(raw)).first()
    if token is None:
        raise TokenError(_("Jeton d'API inconnu."))
    if token.revoked_at is not None:
        raise TokenError(_("Ce jeton d'API a été révoqué."))
    if not token.user.is_active:
        raise TokenError(_("Le compte lié à ce jeton est désactivé."))
    now = timezone.now()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > _TOUCH_EVERY_SECONDS
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _bearer(request) -> str | None:
    value = request.headers.get("Authorization")
    if not value:
        return None
    scheme, _, raw = value.partition(" ")
    if scheme.lower() != "bearer":
        raise TokenError(_("En-tête Authorization attendu : « Bearer <jeton> »."))
    return raw


class TokenAuth(HttpBearer):
    """Required token (write operations)."""

    def __call__(self, request):
        raw = _bearer(request)
        if raw is None:
            raise TokenError(
                _(
                    "Authentification requise : en-tête « Authorization: Bearer <jeton> » "
                    "(jetons créés sur /compte/)."
                )
            )
        return self.authenticate(request, raw)

    def authenticate(self, request, token):
        return user_for_token(token)


def request_user(request):
    """Who is reading: the token's user if a token is sent, else the session user."""

    raw = _bearer(request)
    if raw is not None:
        return user_for_token(raw)
    user = getattr(request, "user", None)
    return user if user is not None else AnonymousUser()
