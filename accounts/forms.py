from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Invitation, Role
from directory.models import Company


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy
    # rewrites it, and trusting it would let an attacker pick a fresh "address" per try.
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Identifiant ou mot de passe incorrect. Attention : après 5 échecs, la "
            "connexion est bloquée pendant 15 minutes."
        ),
        "throttled": _(
            "Trop de tentatives de connexion échouées pour cet identifiant. "
            "Réessayez dans 15 minutes ou réinitialisez votre mot de passe."
        ),
    }

    def clean(self):
        username = self.data.get("username", "")
        ip = client_ip(self.request)
        if services.login_locked(username, ip):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            services.login_failed(username, ip)
            raise
        services.login_succeeded(username, ip)
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Pour vous souvenir de son usage, par exemple « script d'import »."),
    )


class InvitationForm(forms.ModelForm):
    company_siren = forms.RegexField(
        label=_("SIREN de l'entreprise"),
        regex=r"^\d{9}$",
        required=False,
        help_text=_("Pour un rôle « utilisateur entreprise »."),
    )

    class Meta:
        model = Invitation
        fields = ["email", "kind", "cluster", "institution"]
        help_texts = {
            "cluster": _("Pour un rôle « animateur de cluster »."),
            "institution": _("Pour un rôle « institution »."),
        }

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Role.Kind.MANAGER and not cleaned.get("cluster"):
            self.add_error("cluster", _("Choisissez le cluster que cette personne animera."))
        if kind == Role.Kind.COMPANY:
            siren = cleaned.get("company_siren")
            company = Company.objects.filter(siren=siren).first() if siren else None
            if company is None:
                self.add_error("company_siren", _("Aucune entreprise avec ce SIREN."))
            cleaned["company"] = company
        if kind == Role.Kind.INSTITUTION and not cleaned.get("institution"):
            self.add_error("institution", _("Indiquez l'institution."))
        return cleaned
