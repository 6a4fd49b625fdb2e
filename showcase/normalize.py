"""Turn the free text of the 2020 report (and of new submissions) into references.

The report prints filières and régions as people wrote them in the survey:
"SUD-PACA", "SUD / Occitanie", "Nouvelle Aquitaine", and once a région cell that is
not a région at all ("silver économie et santé"). Nothing here guesses silently:
what cannot be mapped is returned as such so that the example can be flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from core.text import normalize_name


@dataclass
class RegionMatch:
    codes: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


def match_regions(raw: str, index=None) -> RegionMatch:
    """A free-text région cell → the codes of the régions it names, or flagged as is.

    The lookup is territories.lookups (official names, abbreviations such as "SUD-PACA",
    pre-2016 names, several régions joined by "/"); it only knows the régions loaded
    in the database. A cell it cannot read as régions is kept whole in `unmapped`.
    """

    from territories.lookups import RegionIndex

    result = RegionMatch()
    raw = (raw or "").strip()
    if not raw:
        return result
    found = (index or RegionIndex.build()).resolve(raw)
    if found.is_region:
        result.codes = list(found.codes)
    else:
        result.unmapped.append(raw)
    return result


# The 18 filières of the report (page "Les filières"), as activities/data/filieres.csv.
REPORT_FILIERES = [
    "agriculture, viticulture, horticulture, sylviculture",
    "agroalimentaire, bioressources, végétal",
    "automobile, ferroviaire, aéronautique, navale",
    "biens de consommation",
    "bois, matériaux et procédés innovants, chimie, biologie",
    "chaîne logistique",
    "culture, tourisme, sport et loisir",
    "défense, sécurité",
    "éco technologies, écoconstruction",
    "économie sociale et solidaire",
    "énergie, éco énergies",
    "environnement, eau, développement durable",
    "ingénierie de services, service aux entreprises",
    "mécatronique, robotique, microtechniques, mécanique, métallurgie",
    "optique, photonique, laser",
    "santé, biotechnologies, bien être",
    "services aux personnes, social",
    "TIC, numérique, logiciels",
]


def filiere_slug(name: str) -> str:
    return slugify(name)


# Keywords of the free-text filière → the report's filière. The first rule whose
# keyword appears in the normalised text wins, so specific words come first.
_FILIERE_RULES: list[tuple[str, str]] = [
    ("silver economie", "services aux personnes, social"),
    ("biotechnolog", "santé, biotechnologies, bien être"),
    ("genomique", "santé, biotechnologies, bien être"),
    ("sante", "santé, biotechnologies, bien être"),
    ("bien etre", "santé, biotechnologies, bien être"),
    ("sports outdoor", "culture, tourisme, sport et loisir"),
    ("tourisme", "culture, tourisme, sport et loisir"),
    ("culture", "culture, tourisme, sport et loisir"),
    ("patrimoine", "culture, tourisme, sport et loisir"),
    ("automobile", "automobile, ferroviaire, aéronautique, navale"),
    ("mobilite", "automobile, ferroviaire, aéronautique, navale"),
    ("aeronautique", "automobile, ferroviaire, aéronautique, navale"),
    ("logistique", "chaîne logistique"),
    ("tic", "TIC, numérique, logiciels"),
    ("numerique", "TIC, numérique, logiciels"),
    ("mecanique", "mécatronique, robotique, microtechniques, mécanique, métallurgie"),
    ("metallurgie", "mécatronique, robotique, microtechniques, mécanique, métallurgie"),
    ("plasturgie", "bois, matériaux et procédés innovants, chimie, biologie"),
    ("composites", "bois, matériaux et procédés innovants, chimie, biologie"),
    ("chimie", "bois, matériaux et procédés innovants, chimie, biologie"),
    ("materiaux", "bois, matériaux et procédés innovants, chimie, biologie"),
    ("bois", "bois, matériaux et procédés innovants, chimie, biologie"),
    ("foret", "bois, matériaux et procédés innovants, chimie, biologie"),
    ("eau", "environnement, eau, développement durable"),
    ("environnement", "environnement, eau, développement durable"),
    ("textile", "biens de consommation"),
    ("impression", "biens de consommation"),
    ("energie", "énergie, éco énergies"),
    ("agroalimentaire", "agroalimentaire, bioressources, végétal"),
    ("agriculture", "agriculture, viticulture, horticulture, sylviculture"),
    ("defense", "défense, sécurité"),
    ("securite", "défense, sécurité"),
    ("optique", "optique, photonique, laser"),
]


def match_filiere(raw: str) -> str | None:
    """Free-text filière → the slug of one of the report's filières, or None."""

    key = f" {normalize_name(raw)} "
    for keyword, name in _FILIERE_RULES:
        if f" {keyword}" in key:
            return filiere_slug(name)
    return None


THEMES = ["emploi", "opportunites", "production", "nouveauxmarches", "relocalisation"]
THEME_LABELS = {
    "emploi": "#emploi",
    "opportunites": "#opportunités",
    "production": "#production",
    "nouveauxmarches": "#nouveauxmarchés",
    "relocalisation": "#relocalisation",
}
# The report's sections carry its hashtags: productions in the health crisis are
# #production, keeping shops open keeps #emploi, the long-term chapters are
# #opportunités with their own tag.
CATEGORY_THEMES = {
    "gel_desinfection": ["production"],
    "tests_pcr": ["production"],
    "masques": ["production"],
    "productions_diverses": ["production"],
    "activite_commerciale": ["emploi"],
    "relocalisation": ["opportunites", "relocalisation"],
    "nouveaux_marches": ["opportunites", "nouveauxmarches"],
    "financement": ["emploi"],
}
_THEME_WORDS = [
    ("relocalis", "relocalisation"),
    ("nouveaux marches", "nouveauxmarches"),
    ("emploi", "emploi"),
]


def themes_for(category: str, description: str) -> list[str]:
    found = list(CATEGORY_THEMES.get(category, []))
    text = normalize_name(description)
    for word, theme in _THEME_WORDS:
        if word in text and theme not in found:
            found.append(theme)
    return [t for t in THEMES if t in found]


_CUTS = re.compile(r"\s*(?:;|:|\+|\(|\.\.\.|…|\. |, | / |\s-\s)\s*")
TITLE_MIN, TITLE_MAX = 30, 90


def derive_title(description: str) -> str:
    """A title from the description, which is all the report gives.

    The first clause (up to ; : + ( … , / or a sentence end) that is at least 30
    characters long; if that is still longer than 90 characters, the words that
    fit in 80 followed by an ellipsis. First letter upper-cased.
    """

    text = " ".join((description or "").split()).strip()
    if not text:
        return ""
    title = text
    for m in _CUTS.finditer(text):
        if m.start() >= TITLE_MIN:
            title = text[: m.start()]
            break
    title = title.rstrip(" .,;:-")
    if len(title) > TITLE_MAX:
        cut = title[:80].rsplit(" ", 1)[0]
        title = cut.rstrip(" ,;:-") + "…"
    return title[:1].upper() + title[1:]
