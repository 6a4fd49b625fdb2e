"""Forms of the operators' barometer management pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.headlines import question_targets, template_problems
from surveys.models import HeadlineFigure


class XLSFormUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Questionnaire XLSForm (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class AnswersUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Réponses exportées de KoboToolbox / ODK (.csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class HeadlineForm(forms.Form):
    target = forms.ChoiceField(label=_("Question et réponse comptée"))
    template = forms.CharField(
        label=_("Phrase"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Écrivez {percent} à la place du chiffre ; {count} (nombre de répondants ayant "
            "choisi la réponse) et {answered} (répondants à la question) sont aussi permis."
        ),
    )
    rounding = forms.ChoiceField(label=_("Arrondi"), choices=HeadlineFigure.Rounding.choices)
    decimal_separator = forms.ChoiceField(
        label=_("Séparateur décimal"),
        choices=[(",", _("virgule (73,7)")), (".", _("point (73.7)"))],
    )
    section = forms.CharField(label=_("Partie du rapport"), required=False, max_length=200)
    order = forms.IntegerField(label=_("Ordre"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, survey, language="fr", **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.fields["target"].choices = [("", "—")] + question_targets(survey, language)

    @classmethod
    def initial_for(cls, headline: HeadlineFigure) -> dict:
        return {
            "target": f"{headline.question}::{headline.choice}",
            "template": headline.template,
            "rounding": headline.rounding,
            "decimal_separator": headline.decimal_separator,
            "section": headline.section,
            "order": headline.order,
        }

    def clean_template(self):
        template = self.cleaned_data["template"]
        problems = template_problems(template)
        if problems:
            raise forms.ValidationError(problems)
        return template

    def fill(self, headline: HeadlineFigure) -> HeadlineFigure:
        data = self.cleaned_data
        headline.question, headline.choice = data["target"].split("::", 1)
        for key in ("template", "rounding", "decimal_separator", "section", "order"):
            setattr(headline, key, data[key])
        return headline
