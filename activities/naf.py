"""NAF rev. 2 (five levels) and the filières of the seed report, read for the loader.

codes-naf lists divisions to sub-classes; the 21 sections and the filière
mapping are data files of this app (activities/data/), documented in
docs/reference-data.md.
"""

from territories.reading import ReferenceDataError, read_csv_rows, read_json_records

LEVEL_BY_LENGTH = {2: 2, 4: 3, 5: 4, 6: 5}  # "01", "01.1", "01.11", "01.11Z"


def _parent(code: str, sections: dict) -> str | None:
    level = LEVEL_BY_LENGTH[len(code)]
    if level == 2:
        return sections.get(code)
    return {3: code[:2], 4: code[:4], 5: code[:5]}[level]


def read_naf(paths: dict) -> tuple[dict, dict]:
    filieres = {}
    path = paths["filieres"].with_name("filieres.csv")
    for row in read_csv_rows(path, ("position", "slug", "name", "name_en")):
        filieres[row["slug"]] = {
            "name": row["name"],
            "name_en": row["name_en"],
            "position": int(row["position"]),
        }

    naf = {}
    section_of_division = {}
    path = paths["naf-sections"]
    for row in read_csv_rows(path, ("code", "label", "first_division", "last_division")):
        naf[row["code"]] = {"label": row["label"], "level": 1, "parent_id": None}
        naf[row["code"]]["filiere_id"] = None
        for division in range(int(row["first_division"]), int(row["last_division"]) + 1):
            section_of_division[f"{division:02d}"] = row["code"]

    path = paths["naf"]
    for item in read_json_records(path, ("id", "label")):
        code = item["id"]
        if len(code) not in LEVEL_BY_LENGTH:
            raise ReferenceDataError(path, f"unexpected NAF code {code!r}")
        parent = _parent(code, section_of_division)
        if parent is None or parent not in naf:
            raise ReferenceDataError(path, f"NAF code {code}: parent {parent!r} not listed before")
        naf[code] = {
            "label": item["label"],
            "level": LEVEL_BY_LENGTH[len(code)],
            "parent_id": parent,
            "filiere_id": None,
        }

    path = paths["filieres"]
    seen = set()
    for line, row in enumerate(
        read_csv_rows(path, ("code", "label", "filiere", "exclusion_reason")), start=2
    ):
        code = row["code"]
        if code not in naf or naf[code]["level"] != 5:
            raise ReferenceDataError(path, f"line {line}: {code!r} is not a NAF sub-class")
        if row["filiere"] and row["filiere"] not in filieres:
            raise ReferenceDataError(path, f"line {line}: unknown filière {row['filiere']!r}")
        if not row["filiere"] and not row["exclusion_reason"].strip():
            raise ReferenceDataError(
                path, f"line {line}: {code} has neither a filière nor an exclusion_reason"
            )
        naf[code]["filiere_id"] = row["filiere"] or None
        seen.add(code)
    missing = sorted(c for c, v in naf.items() if v["level"] == 5 and c not in seen)
    if missing:
        raise ReferenceDataError(path, f"NAF sub-classes missing from the file: {missing[:10]}")
    return filieres, naf
