"""Forms of the directory pages: a manager's cluster edit, the import upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import Filiere
from directory.labels import label_choices
from directory.models import Cluster

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
UPLOAD_EXTENSIONS = (".csv", ".xlsx")
XLSX_MAGIC = b"PK\x03\x04"


class ClusterEditForm(forms.ModelForm):
    """What a cluster manager may change on their own cluster's public profile.

    The description is plain text (shown with line breaks, always escaped): a manager
    pastes text from a brochure, and plain text cannot carry scripts or broken markup.
    """

    filieres = forms.ModelMultipleChoiceField(
        label=_("Filières"),
        queryset=Filiere.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    labels = forms.MultipleChoiceField(
        label=_("Labels"),
        choices=label_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(
        label=_("Site web"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("Adresse complète, commençant par https://"),
    )
    contact_name = forms.CharField(label=_("Nom du contact"), max_length=200, required=False)
    contact_role = forms.CharField(label=_("Fonction"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("E-mail du contact"), required=False)
    contact_phone = forms.CharField(label=_("Téléphone du contact"), max_length=30, required=False)

    class Meta:
        model = Cluster
        fields = ["description", "website", "filieres", "labels"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "description": _("Texte simple ; les sauts de ligne sont conservés."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        contact = self.instance.contacts.order_by("pk").first() if self.instance.pk else None
        if contact and not self.is_bound:
            self.initial.update(
                contact_name=contact.name,
                contact_role=contact.role,
                contact_email=contact.email,
                contact_phone=contact.phone,
            )

    def clean_description(self):
        import nh3

        # Plain text only: any markup pasted in is dropped, its text kept.
        return nh3.clean(self.cleaned_data["description"], tags=set()).strip()

    def clean(self):
        data = super().clean()
        has_details = any(data.get(f) for f in ("contact_role", "contact_email", "contact_phone"))
        if has_details and not data.get("contact_name"):
            self.add_error("contact_name", _("Indiquez le nom du contact."))
        return data


class ImportUploadForm(forms.Form):
    KIND_CHOICES = [
        ("members", _("Adhérents d'un cluster")),
        ("clusters", _("Clusters (opérateurs du réseau)")),
    ]
    kind = forms.ChoiceField(label=_("Contenu du fichier"), choices=KIND_CHOICES)
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
    file = forms.FileField(
        label=_("Fichier CSV ou Excel (.xlsx)"),
        help_text=_("10 Mo au plus. CSV en UTF-8, séparateur point-virgule ou virgule."),
    )

    def __init__(self, *args, clusters, operator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.operator = operator
        self.fields["cluster"].choices = [("", _("— choisir —"))] + [
            (c.slug, c.name) for c in clusters
        ]
        if not operator:
            self.fields["kind"].choices = self.KIND_CHOICES[:1]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Fichier trop volumineux : 10 Mo au plus."))
        if not name.endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(
                _("Format refusé : seuls les fichiers .csv et .xlsx sont acceptés.")
            )
        head = upload.read(8192)
        upload.seek(0)
        if name.endswith(".xlsx"):
            if not head.startswith(XLSX_MAGIC):
                raise forms.ValidationError(
                    _("Ce fichier n'est pas un classeur Excel .xlsx valide.")
                )
        else:
            # A CSV is text: no NUL byte, and decodable as UTF-8 or Windows-1252.
            if b"\x00" in head or head.startswith(XLSX_MAGIC):
                raise forms.ValidationError(_("Ce fichier n'est pas un fichier texte CSV."))
            try:
                head.decode("utf-8")
            except UnicodeDecodeError as exc:
                # A multi-byte character cut at the 8 KiB boundary is not an error.
                if exc.start < len(head) - 4:
                    try:
                        head.decode("cp1252")
                    except UnicodeDecodeError:
                        raise forms.ValidationError(
                            _("Encodage du fichier non reconnu : enregistrez-le en UTF-8.")
                        ) from None
        return upload

    def clean(self):
        data = super().clean()
        if data.get("kind") == "members" and not data.get("cluster"):
            self.add_error(
                "cluster", _("Choisissez le cluster dont ce fichier liste les adhérents.")
            )
        if data.get("kind") == "clusters" and not self.operator:
            self.add_error("kind", _("Seuls les opérateurs du réseau importent des clusters."))
        return data
