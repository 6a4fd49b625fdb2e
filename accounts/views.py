from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions, services
from accounts.forms import InvitationForm, ThrottledAuthenticationForm, TokenForm
from accounts.models import Invitation

_NEW_TOKEN_SESSION_KEY = "accounts_new_token"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "roles": permissions.roles(user),
            "is_operator": permissions.is_operator(user),
            "tokens": user.api_tokens.all(),
            # Shown once: popped from the session on the first display.
            "new_token": request.session.pop(_NEW_TOKEN_SESSION_KEY, None),
            "token_form": TokenForm(),
        },
    )


@login_required
@require_POST
def create_token(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Donnez un nom au jeton (100 caractères au plus)."))
        return redirect("accounts:account")
    _token, raw = services.issue_token(request.user, form.cleaned_data["name"])
    request.session[_NEW_TOKEN_SESSION_KEY] = raw
    return redirect("accounts:account")


@login_required
@require_POST
def revoke_token(request, token_id: int):
    if services.revoke_token(request.user, token_id):
        messages.success(request, _("Le jeton a été révoqué."))
    else:
        messages.error(request, _("Jeton introuvable ou déjà révoqué."))
    return redirect("accounts:account")


@login_required
def invite(request):
    if not permissions.can_invite(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation, raw = services.create_invitation(
            request.user,
            email=data["email"],
            kind=data["kind"],
            cluster=data.get("cluster") if data["kind"] == "manager" else None,
            company=data.get("company") if data["kind"] == "company" else None,
            institution=data.get("institution", "") if data["kind"] == "institution" else "",
        )
        services.send_invitation(invitation, raw)
        messages.success(
            request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email}
        )
        return redirect("accounts:account")
    return render(
        request,
        "accounts/invite.html",
        {"form": form, "pending": Invitation.objects.filter(accepted_at__isnull=True)[:50]},
    )


def accept_invitation(request, token: str):
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = SetPasswordForm(None, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(invitation, form.cleaned_data["new_password1"])
        except ValueError:
            return render(request, "accounts/invitation_invalid.html", status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Bienvenue ! Votre compte est prêt."))
        return redirect("accounts:account")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )
