"""Labels a cluster can hold; ``Cluster.labels`` stores their codes."""

from django.utils.translation import gettext_lazy as _

# code -> (label, family). Families group labels in filters and legends.
LABELS = {
    "pole-phase-v": (
        _("Pôle de compétitivité labellisé phase V (2023-2026)"),
        "pole",
    ),
    "pole-phase-v-conditional": (
        _("Pôle de compétitivité phase V, label probatoire ou sous conditions"),
        "pole",
    ),
    "eco-bronze": (_("European Cluster Excellence Label Bronze"), "eco"),
    "eco-silver": (_("European Cluster Excellence Label Silver"), "eco"),
    "eco-gold": (_("European Cluster Excellence Label Gold"), "eco"),
    "france-clusters": (_("Membre du réseau France Clusters"), "network"),
    "grappe-datar": (_("Grappe d'entreprises labellisée (DATAR, 2010-2011)"), "network"),
    "territoire-industrie": (_("Partenaire d'un Territoire d'industrie"), "network"),
    "french-tech": (_("Communauté French Tech"), "network"),
}


def label_name(code: str) -> str:
    entry = LABELS.get(code)
    return str(entry[0]) if entry else code


def is_label(code: str) -> bool:
    return code in LABELS


def label_choices():
    return [(code, name) for code, (name, _family) in LABELS.items()]
