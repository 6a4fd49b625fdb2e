from django import forms
from django.utils.translation import gettext_lazy as _

from showcase.models import Example
from showcase.normalize import THEME_LABELS


class ExampleForm(forms.Form):
    cluster = forms.ModelChoiceField(queryset=None, label=_("Cluster"))
    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        required=False,
        help_text=_("Laissé vide, le titre est tiré du début de la description."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=4000
    )
    category = forms.ChoiceField(label=_("Catégorie"), choices=Example.Category.choices)
    filiere_label = forms.CharField(label=_("Filière"), max_length=200, required=False)
    region_label = forms.CharField(
        label=_("Région(s)"),
        max_length=200,
        required=False,
        help_text=_("Séparez plusieurs régions par « / ». Vide : les régions du cluster."),
    )
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"),
        choices=list(THEME_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters
        if clusters.count() == 1:
            self.fields["cluster"].initial = clusters.first()

    def clean_description(self):
        from showcase.services import plain_text

        text = plain_text(self.cleaned_data["description"])
        if len(text) < 20:
            raise forms.ValidationError(_("Décrivez l'exemple en 20 caractères au moins."))
        return text
