"""Région names as people write them ("SUD-PACA", "Nouvelle Aquitaine") to official régions.

The resolver is territories.lookups.RegionIndex (its alias list is the project's one).
It is built from the Region table when the reference is loaded, and otherwise from the
18 official régions below, so the report normalises régions even on a database where
`mapster reference load` has not run (tests, a fresh demo).
"""

from __future__ import annotations

from territories.lookups import RegionIndex

# Code officiel géographique (2024).
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


def region_index() -> RegionIndex:
    """One index per report or import: building it costs one query at most."""
    from territories.models import Region

    if Region.objects.exists():
        return RegionIndex.build()
    return RegionIndex(dict(REGIONS))


def resolve_regions(text: str, index: RegionIndex | None = None) -> tuple[list[str], list[str]]:
    """Official région codes named in `text`, and `[text]` when it names none."""
    text = (text or "").strip()
    if not text:
        return [], []
    match = (index or region_index()).resolve(text)
    if match:
        return list(match.codes), []
    return [], [text]


def region_name(code: str, index: RegionIndex | None = None) -> str:
    if index is not None and code in index.names:
        return index.names[code]
    return REGIONS.get(code, code)
