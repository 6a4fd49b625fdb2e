"""Commune resolution for imports, over territories.lookups.CommuneIndex (built once).

Current INSEE code, former code (merged communes), or postal code + name (CEDEX,
articles and arrondissements handled by the territories index). A postal code alone
is accepted when it serves a single commune.
"""

from territories.lookups import CommuneIndex as _TerritoriesIndex


class CommuneIndex:
    def __init__(self):
        self.index = None

    def load(self) -> "CommuneIndex":
        self.index = _TerritoriesIndex.build()
        return self

    def by_code(self, code: str) -> str | None:
        commune = self.index.resolve(code)
        return commune.code if commune else None

    def by_postal_name(self, postal: str, name: str) -> str | None:
        if name:
            commune = self.index.find(postal, name)
            return commune.code if commune else None
        postal = postal.strip()
        if len(postal) == 4 and postal.isdigit():
            postal = "0" + postal
        codes = {self.index.communes[c].city_id or c for c in self.index.by_postal.get(postal, [])}
        return codes.pop() if len(codes) == 1 else None
