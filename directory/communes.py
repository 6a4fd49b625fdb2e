"""Bulk commune resolution for imports: one pass over the reference, then dict look-ups.

Current INSEE code, former code (merged communes), or postal code + name. A postal
code alone is enough when it serves a single commune.
"""

from collections import defaultdict

from core.text import normalize_name
from territories.models import Commune, FormerCommuneCode, PostalCode


class CommuneIndex:
    def __init__(self):
        self.codes: set[str] = set()
        self.former: dict[str, str] = {}
        self.by_postal: dict[str, dict[str, str]] = defaultdict(dict)
        self.loaded = False

    def load(self) -> "CommuneIndex":
        rows = Commune.objects.values_list("code", "name", "postal_codes").order_by()
        names = {}
        for code, name, postal_codes in rows.iterator(chunk_size=10_000):
            self.codes.add(code)
            key = normalize_name(name)
            names[code] = key
            for postal in postal_codes or ():
                self.by_postal[postal][key] = code
        for postal, code in PostalCode.objects.values_list("code", "commune_id").order_by():
            if code in names:
                self.by_postal[postal][names[code]] = code
        self.former = dict(FormerCommuneCode.objects.values_list("code", "commune_id"))
        self.loaded = True
        return self

    def by_code(self, code: str) -> str | None:
        code = code.strip().upper()
        if len(code) == 4 and code.isdigit():
            code = "0" + code  # spreadsheets drop the leading zero of Ain…Ardèche
        if code in self.codes:
            return code
        return self.former.get(code)

    def by_postal_name(self, postal: str, name: str) -> str | None:
        postal = postal.strip()
        if len(postal) == 4 and postal.isdigit():
            postal = "0" + postal
        candidates = self.by_postal.get(postal)
        if not candidates:
            return None
        if name:
            found = candidates.get(normalize_name(name))
            if found:
                return found
            # "Paris 15e Arrondissement" or "Lyon" for an arrondissement: a unique
            # candidate whose name starts like the given one is good enough.
            key = normalize_name(name)
            starts = {c for k, c in candidates.items() if k.startswith(key) or key.startswith(k)}
            return starts.pop() if len(starts) == 1 else None
        codes = set(candidates.values())
        return codes.pop() if len(codes) == 1 else None
