"""Commune resolution for imports: codes in plain sets, names through territories.lookups.

Current INSEE code or former code (merged communes) is a dict look-up. Postal code +
name goes through territories.lookups.CommuneIndex (CEDEX, articles, arrondissements),
built only when a file needs it because it holds every commune as a model instance. A
postal code alone is accepted when it serves a single commune.
"""

from territories.lookups import CommuneIndex as _TerritoriesIndex
from territories.models import Commune, FormerCommuneCode


class CommuneIndex:
    def __init__(self):
        self.codes: set[str] = set()
        self.former: dict[str, str] = {}
        self._index = None

    def load(self) -> "CommuneIndex":
        self.codes = set(Commune.objects.values_list("code", flat=True))
        self.former = dict(FormerCommuneCode.objects.values_list("code", "commune_id"))
        return self

    @property
    def index(self):
        if self._index is None:
            self._index = _TerritoriesIndex.build()
        return self._index

    def by_code(self, code: str) -> str | None:
        code = code.strip().upper()
        if len(code) == 4 and code.isdigit():
            code = "0" + code  # spreadsheets drop the leading zero of Ain…Ardèche
        if code in self.codes:
            return code
        return self.former.get(code)

    def by_postal_name(self, postal: str, name: str) -> str | None:
        if name:
            commune = self.index.find(postal, name)
            return commune.code if commune else None
        postal = postal.strip()
        if len(postal) == 4 and postal.isdigit():
            postal = "0" + postal
        communes = self.index.communes
        codes = {communes[c].city_id or c for c in self.index.by_postal.get(postal, [])}
        return codes.pop() if len(codes) == 1 else None
