"""INSEE code lists shared by imports, SIRENE enrichment and statistics."""

from django.utils.translation import gettext_lazy as _

# Tranches d'effectif salarié (INSEE), with a conservative middle value used to
# estimate jobs when only the band is known.
HEADCOUNT_BANDS = {
    "NN": (_("Unité non employeuse"), 0),
    "00": (_("0 salarié"), 0),
    "01": (_("1 ou 2 salariés"), 1.5),
    "02": (_("3 à 5 salariés"), 4),
    "03": (_("6 à 9 salariés"), 7.5),
    "11": (_("10 à 19 salariés"), 14.5),
    "12": (_("20 à 49 salariés"), 34.5),
    "21": (_("50 à 99 salariés"), 74.5),
    "22": (_("100 à 199 salariés"), 149.5),
    "31": (_("200 à 249 salariés"), 224.5),
    "32": (_("250 à 499 salariés"), 374.5),
    "41": (_("500 à 999 salariés"), 749.5),
    "42": (_("1 000 à 1 999 salariés"), 1499.5),
    "51": (_("2 000 à 4 999 salariés"), 3499.5),
    "52": (_("5 000 à 9 999 salariés"), 7499.5),
    "53": (_("10 000 salariés et plus"), 10000),
}


def headcount_label(code: str) -> str:
    entry = HEADCOUNT_BANDS.get(code or "")
    return str(entry[0]) if entry else ""


def estimated_jobs(code: str) -> float:
    entry = HEADCOUNT_BANDS.get(code or "")
    return entry[1] if entry else 0
