from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Filiere
from directory.models import Cluster
from surveys.models import SurveyVersion
from territories.models import Region


class VersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.survey.title} — version {obj.number}"


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    version = VersionChoice(
        label=_("Questionnaire"),
        queryset=SurveyVersion.objects.select_related("survey").order_by("survey", "-number"),
    )
    opens_at = forms.DateTimeField(
        label=_("Ouverture"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("Clôture"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    all_clusters = forms.BooleanField(label=_("Tous les clusters de l'annuaire"), required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Types"),
        choices=Cluster.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Régions"),
        queryset=Region.objects.all(),
        required=False,
        to_field_name="code",
        help_text=_("Ctrl ou Cmd + clic pour en choisir plusieurs."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    filieres = forms.ModelMultipleChoiceField(
        label=_("Filières"),
        queryset=Filiere.objects.all(),
        required=False,
        to_field_name="slug",
        help_text=_("Ctrl ou Cmd + clic pour en choisir plusieurs."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    message = forms.CharField(
        label=_("Message d'invitation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=3000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("opens_at", now.strftime("%Y-%m-%dT%H:%M"))
            self.initial.setdefault(
                "closes_at", (now + timezone.timedelta(days=21)).strftime("%Y-%m-%dT%H:%M")
            )

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("La clôture doit suivre l'ouverture."))
        if not (
            data.get("all_clusters")
            or data.get("kinds")
            or data.get("regions")
            or data.get("filieres")
        ):
            raise forms.ValidationError(
                _("Choisissez des clusters : tous, ou par type, région ou filière.")
            )
        return data

    def targeting(self) -> dict:
        d = self.cleaned_data
        return {
            "all": bool(d["all_clusters"]),
            "kinds": list(d["kinds"]),
            "regions": [r.code for r in d["regions"]],
            "filieres": [f.slug for f in d["filieres"]],
        }
