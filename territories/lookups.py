"""Lookups every import uses to turn codes and names into territories.

Indexes are built once in memory and then answer without a query, so an import
of 100,000 rows costs one index build, not 100,000 queries:

    index = CommuneIndex.build()
    index.resolve("14011")              # former code → today's commune
    index.find("31000", "TOULOUSE CEDEX")

`resolve_commune`, `find_commune` and `resolve_region` are one-off shortcuts.
"""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.text import normalize_name

ALIASES_FILE = Path(__file__).resolve().parent / "data" / "region_aliases.csv"

# Separators people use between two régions ("SUD / Occitanie", "IDF & HDF").
_REGION_SEPARATORS = re.compile(r"\s*(?:/|\||;|,|&|\+|\s-\s|\bet\b|\band\b)\s*", re.IGNORECASE)
_REGION_PREFIX = re.compile(r"^(?:la\s+)?(?:region|regions|ex|ancienne region)\s+")
_CEDEX = re.compile(r"\b(cedex|bp|cs)\b(\s+\d+)*.*$")
# "Isle-Jourdain (L')" → "L'Isle-Jourdain": how some registers file articles.
_TRAILING_ARTICLE = re.compile(r"^(.*?)\s*\((l'|l|le|la|les)\)\s*$", re.IGNORECASE)


def _alias_rows() -> list[tuple[str, tuple[str, ...]]]:
    with open(ALIASES_FILE, encoding="utf-8", newline="") as fh:
        return [(row["alias"], tuple(row["regions"].split())) for row in csv.DictReader(fh)]


@dataclass
class RegionMatch:
    """The régions a text names, or why it names none."""

    text: str
    codes: tuple[str, ...] = ()
    regions: list = field(default_factory=list)
    reason: str = ""

    @property
    def is_region(self) -> bool:
        return bool(self.codes)

    def __bool__(self) -> bool:
        return self.is_region


class RegionIndex:
    """Région names as people write them: official, abbreviated, pre-2016, combined."""

    def __init__(self, names: dict[str, str], objects: dict | None = None):
        self.names = names
        self.objects = objects or {}
        self.keys: dict[str, tuple[str, ...]] = {}
        for code, name in names.items():
            self.keys[normalize_name(name)] = (code,)
        for alias, codes in _alias_rows():
            known = tuple(c for c in codes if c in names)
            if known:
                self.keys.setdefault(normalize_name(alias), known)

    @classmethod
    def build(cls) -> "RegionIndex":
        from territories.models import Region

        regions = {r.code: r for r in Region.objects.all()}
        return cls({c: r.name for c, r in regions.items()}, regions)

    def _key(self, text: str) -> tuple[str, ...] | None:
        key = normalize_name(text)
        if key in self.keys:
            return self.keys[key]
        stripped = _REGION_PREFIX.sub("", key)
        return self.keys.get(stripped)

    def resolve(self, text: str | None) -> RegionMatch:
        text = (text or "").strip()
        if not normalize_name(text):
            return RegionMatch(text, reason="empty")
        codes = self._key(text)
        if codes is None:
            parts = [p for p in _REGION_SEPARATORS.split(text) if normalize_name(p)]
            found = [self._key(p) for p in parts]
            if len(parts) > 1 and all(found):
                codes = tuple(dict.fromkeys(c for group in found for c in group))
        if not codes:
            return RegionMatch(text, reason="not a région")
        return RegionMatch(
            text, codes=codes, regions=[self.objects[c] for c in codes if c in self.objects]
        )


def resolve_region(text: str | None) -> RegionMatch:
    """One-off région lookup; build a `RegionIndex` for bulk use."""

    return RegionIndex.build().resolve(text)


def _name_keys(name: str) -> list[str]:
    name = name or ""
    keys = []
    moved = _TRAILING_ARTICLE.match(name)
    if moved:
        article = moved.group(2)
        joiner = "" if article.endswith("'") else " "
        keys.append(normalize_name(f"{article}{joiner}{moved.group(1)}"))
    key = normalize_name(name)
    keys.append(key)
    without_cedex = _CEDEX.sub("", key).strip()
    if without_cedex and without_cedex != key:
        keys.append(without_cedex)
    # "PARIS 08", "LYON 3E ARRONDISSEMENT", "MARSEILLE 13": the city itself.
    city = re.sub(r"\s+\d+\s*(e|er|eme)?(\s+arrondissement)?$", "", without_cedex or key)
    if city and city not in keys:
        keys.append(city)
    return keys


class CommuneIndex:
    """Every commune, former code and postal code, in memory."""

    def __init__(self, communes: dict, former: dict, former_names: dict):
        self.communes = communes  # code -> Commune
        self.former = former  # former code -> current code
        self.by_postal: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        for code, commune in communes.items():
            for pc in commune.postal_codes or []:
                self.by_postal.setdefault(pc, []).append(code)
            self.by_name.setdefault(commune.name_key, []).append(code)
        # Names of former communes (communes déléguées, pre-merger names).
        for code, name_key in former_names.items():
            if name_key:
                self.by_name.setdefault(name_key, []).append(former[code])

    @classmethod
    def build(cls, departements=None) -> "CommuneIndex":
        from territories.models import Commune, FormerCommuneCode

        qs = Commune.objects.only(
            "code",
            "name",
            "name_key",
            "kind",
            "city_id",
            "departement_id",
            "region_id",
            "epci_id",
            "zone_emploi_id",
            "postal_codes",
            "lat",
            "lon",
        )
        if departements:
            qs = qs.filter(departement__in=departements)
        communes = {c.code: c for c in qs}
        former, names = {}, {}
        for code, target, name in FormerCommuneCode.objects.values_list(
            "code", "commune_id", "name"
        ):
            if target in communes:
                former[code] = target
                names[code] = normalize_name(name)
        return cls(communes, former, names)

    @classmethod
    def from_bundle(cls, bundle) -> "CommuneIndex":
        """An index over a loader bundle, without the database (unsaved Commune objects)."""

        from territories.models import Commune

        communes = {code: Commune(code=code, **row) for code, row in bundle.communes.items()}
        former = {code: row["commune_id"] for code, row in bundle.former.items()}
        names = {code: normalize_name(row["name"]) for code, row in bundle.former.items()}
        return cls(communes, former, names)

    def resolve(self, code: str | None):
        """The current commune for an INSEE code, current or former; None if unknown."""

        code = _clean_code(code)
        commune = self.communes.get(code)
        if commune is None and code in self.former:
            commune = self.communes.get(self.former[code])
        return commune

    def _prefer_city(self, codes: list[str]):
        """Paris, Lyon, Marseille: the city rather than one of its arrondissements."""

        picked = {self.communes[c].city_id or c for c in codes}
        return self.communes[picked.pop()] if len(picked) == 1 else None

    def find(self, postal_code: str | None, name: str | None):
        """The commune with this postal code and name (accents, case, ST/Saint ignored).

        Returns None rather than guess when the name matches no commune, or
        several, for that postal code.
        """

        postal_code = re.sub(r"\D", "", postal_code or "")
        if len(postal_code) == 4:
            postal_code = "0" + postal_code
        keys = _name_keys(name or "")
        if not keys or not keys[0]:
            return None
        candidates = set(self.by_postal.get(postal_code, []))
        with_cities = candidates | {
            self.communes[c].city_id for c in candidates if self.communes[c].city_id
        }
        for key in keys:
            matches = [c for c in self.by_name.get(key, []) if c in with_cities]
            if matches:
                return self._prefer_city(matches)
        # CEDEX and company postal codes are not commune postal codes: fall back
        # to the name within the département the postal code belongs to.
        dep = _departement_of_postal(postal_code)
        if dep:
            for key in keys:
                matches = [
                    c for c in self.by_name.get(key, []) if self.communes[c].departement_id in dep
                ]
                if matches:
                    return self._prefer_city(matches)
        return None


def _clean_code(code) -> str:
    code = str(code or "").strip().upper()
    if len(code) == 4 and code.isdigit():
        code = "0" + code  # spreadsheets drop the leading zero
    return code


def _departement_of_postal(postal_code: str) -> tuple[str, ...]:
    if len(postal_code) != 5:
        return ()
    if postal_code.startswith("20"):
        return ("2A", "2B")
    if postal_code.startswith("97"):
        return (postal_code[:3],)
    return (postal_code[:2],)


def resolve_commune(code: str | None):
    """One-off: the current commune for an INSEE code, current or former."""

    from territories.models import Commune, FormerCommuneCode

    code = _clean_code(code)
    commune = Commune.objects.filter(code=code).first()
    if commune is None:
        former = FormerCommuneCode.objects.select_related("commune").filter(code=code).first()
        commune = former.commune if former else None
    return commune


def find_commune(postal_code: str | None, name: str | None):
    """One-off: the commune for a postal code and a name; build a CommuneIndex for bulk use."""

    digits = re.sub(r"\D", "", postal_code or "").zfill(5)
    departements = _departement_of_postal(digits)
    return CommuneIndex.build(departements=departements or None).find(postal_code, name)
