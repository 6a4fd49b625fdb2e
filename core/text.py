"""Text normalisation shared by every lookup and import."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# "ST" and "STE" are how La Poste and many spreadsheets write Saint / Sainte.
_SAINT = re.compile(r"\b(st|ste|sts|stes)\b")
_SAINT_FULL = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_name(value: str) -> str:
    """Fold accents, case, punctuation and Saint abbreviations into one key.

    "ST-ÉTIENNE", "Saint Etienne" and "saint-étienne" all give "saint etienne".
    """
    lowered = strip_accents(value or "").lower().replace("œ", "oe").replace("æ", "ae")
    spaced = _NON_ALNUM.sub(" ", lowered).strip()
    return _SAINT.sub(lambda m: _SAINT_FULL[m.group(1)], spaced)


def slug_key(value: str) -> str:
    return normalize_name(value).replace(" ", "-")
