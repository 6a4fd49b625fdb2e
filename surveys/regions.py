"""Région names as people write them ("SUD-PACA", "Nouvelle Aquitaine") to official régions.

`territories.lookups.resolve_region` (branch territories) is the project's resolver and is
used when present. Until it is merged, this module carries the 18 official régions
(code officiel géographique 2024) and the spellings met in the 2020 barometer, so the
report can show normalised régions without the reference database being loaded.
"""

from __future__ import annotations

import re

from core.text import normalize_name

REGIONS = {
    "84": "Auvergne-Rhône-Alpes",
    "27": "Bourgogne-Franche-Comté",
    "53": "Bretagne",
    "24": "Centre-Val de Loire",
    "94": "Corse",
    "44": "Grand Est",
    "32": "Hauts-de-France",
    "11": "Île-de-France",
    "28": "Normandie",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "52": "Pays de la Loire",
    "93": "Provence-Alpes-Côte d'Azur",
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
}
# Usual names besides the official one (normalised keys).
ALIASES = {
    "sud": "93",
    "paca": "93",
    "sud paca": "93",
    "region sud": "93",
    "provence alpes cote d azur": "93",
    "idf": "11",
    "reunion": "04",
    "aura": "84",
    "bfc": "27",
    "centre": "24",
    "hdf": "32",
}
_KEYS = {normalize_name(name): code for code, name in REGIONS.items()}
_KEYS.update(ALIASES)
# "SUD-PACA / Occitanie" names two régions.
_SEPARATORS = re.compile(r"\s*(?:/|;|\bet\b|&|\+)\s*")


def _resolve_one(text: str) -> str | None:
    try:
        from territories.lookups import resolve_region  # type: ignore[import-not-found]
    except ImportError:
        resolve_region = None
    if resolve_region is not None:
        found = resolve_region(text)
        if found is not None:
            return getattr(found, "code", found)
    return _KEYS.get(normalize_name(text))


def resolve_regions(text: str) -> tuple[list[str], list[str]]:
    """Official région codes named in `text`, and the parts that name no région."""
    text = (text or "").strip()
    if not text:
        return [], []
    whole = _resolve_one(text)
    if whole:
        return [whole], []
    codes, unknown = [], []
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        code = _resolve_one(part)
        if code and code not in codes:
            codes.append(code)
        elif not code:
            unknown.append(part)
    return codes, unknown


def region_name(code: str) -> str:
    return REGIONS.get(code, code)
