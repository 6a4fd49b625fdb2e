"""SIRENE enrichment of member companies from INSEE's StockEtablissement file.

``enrich(path)`` scans the stock file (CSV, optionally gzipped, or Parquet) with
DuckDB, semi-joined to the members' SIRETs (and, for companies known only by SIREN,
to their head office), so only matching rows ever reach Python; DuckDB streams the
file with a bounded memory limit. It then fills or refreshes establishment name, NAF,
headcount band, active/closed, commune and coordinates (Lambert 93, or the legal
projection of each overseas département, converted to WGS84 with pyproj in one
vectorised call) and the company's fields from its head office. Dry run by default.

``synthesize(out, rows)`` writes a synthetic stock file of any size in the real
column layout, including the members' SIRETs so that enrichment finds them.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.db import transaction
from pyproj import Transformer

from activities.models import NafCode
from core import search
from directory import bulk
from directory.communes import CommuneIndex
from directory.models import Company, Establishment, Provenance

# StockEtablissement, current layout (with the NAF 2025 column added in 2025).
STOCK_COLUMNS = [
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement",
    "dateDernierTraitementEtablissement",
    "etablissementSiege",
    "nombrePeriodesEtablissement",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement",
    "codeCommuneEtablissement",
    "codeCedexEtablissement",
    "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement",
    "identifiantAdresseEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "complementAdresse2Etablissement",
    "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement",
    "typeVoie2Etablissement",
    "libelleVoie2Etablissement",
    "codePostal2Etablissement",
    "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement",
    "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement",
    "codeCedex2Etablissement",
    "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement",
    "libellePaysEtranger2Etablissement",
    "dateDebut",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
    "activitePrincipaleNAF25Etablissement",
]
USED = [
    "siret",
    "siren",
    "etablissementSiege",
    "etatAdministratifEtablissement",
    "trancheEffectifsEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "codeCommuneEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "denominationUsuelleEtablissement",
    "enseigne1Etablissement",
    "numeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
]
# INSEE gives coordinates in Lambert 93 in metropolitan France and in each overseas
# département's legal projection.
EPSG_BY_PREFIX = {"971": 5490, "972": 5490, "973": 2972, "974": 2975, "976": 4471}
MEMORY_LIMIT = "1GB"


class SireneError(Exception):
    pass


@dataclass
class SireneReport:
    dry_run: bool = True
    scanned_seconds: float = 0.0
    members: int = 0
    matched: int = 0
    not_found: int = 0
    establishments_updated: int = 0
    establishments_created: int = 0
    companies_updated: int = 0
    closed: int = 0
    fields: Counter = field(default_factory=Counter)
    changes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        mode = "Simulation (--apply pour écrire)" if self.dry_run else "Enrichissement SIRENE"
        detail = ", ".join(f"{k} {v}" for k, v in sorted(self.fields.items())) or "aucun champ"
        return (
            f"{mode} : {self.matched} établissements trouvés sur {self.members} recherchés "
            f"({self.not_found} absents du fichier) ; {self.establishments_updated} "
            f"établissements et {self.companies_updated} entreprises modifiés, "
            f"{self.establishments_created} sièges ajoutés, {self.closed} fermés. "
            f"Champs : {detail}."
        )


def _source(path: Path) -> str:
    name = path.name.lower()
    quoted = str(path).replace("'", "''")
    if name.endswith(".parquet"):
        return f"read_parquet('{quoted}')"
    # all_varchar: codes such as 01053 or 0001 must keep their leading zeros.
    return f"read_csv('{quoted}', header = true, all_varchar = true)"


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def _write_members(folder: Path) -> tuple[Path, Path, int]:
    sirets = folder / "sirets.csv"
    sirens = folder / "sirens.csv"
    with sirets.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["siret"])
        count = 0
        for (siret,) in Establishment.objects.values_list("siret").order_by().iterator(20_000):
            writer.writerow([siret])
            count += 1
    with sirens.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["siren"])
        only = Company.objects.filter(establishments__isnull=True).values_list("siren")
        for (siren,) in only.order_by().iterator(20_000):
            writer.writerow([siren])
            count += 1
    return sirets, sirens, count


def scan(path: Path, con=None) -> tuple[list[dict], int]:
    """The stock rows of the members (by SIRET, or head office by SIREN) and the member count."""
    con = con or connect()
    with tempfile.TemporaryDirectory() as tmp:
        sirets, sirens, count = _write_members(Path(tmp))
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE member_sirets AS "
            f"SELECT siret FROM read_csv('{sirets}', header = true, all_varchar = true)"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE member_sirens AS "
            f"SELECT siren FROM read_csv('{sirens}', header = true, all_varchar = true)"
        )
    try:
        columns = {
            c
            for (c,) in con.execute(
                f"SELECT column_name FROM (DESCRIBE SELECT * FROM {_source(path)})"
            ).fetchall()
        }
    except duckdb.Error as exc:
        raise SireneError(f"fichier SIRENE illisible : {exc}") from None
    missing = [c for c in USED if c not in columns]
    if missing:
        raise SireneError("colonnes SIRENE absentes : " + ", ".join(missing))
    select = ", ".join(f's."{c}"::VARCHAR AS "{c}"' for c in USED)
    query = (
        f"SELECT {select} FROM {_source(path)} s "
        "WHERE s.siret IN (SELECT siret FROM member_sirets) "
        "OR (s.siren IN (SELECT siren FROM member_sirens) "
        "    AND lower(s.etablissementSiege::VARCHAR) = 'true')"
    )
    cursor = con.execute(query)
    rows = [dict(zip(USED, r, strict=True)) for r in cursor.fetchall()]
    return rows, count


def _to_wgs84(rows: list[dict]) -> None:
    """Add lat/lon to rows with Lambert coordinates, one pyproj call per projection."""
    groups: dict[int, list[dict]] = {}
    for row in rows:
        x, y = (
            row["coordonneeLambertAbscisseEtablissement"],
            row["coordonneeLambertOrdonneeEtablissement"],
        )
        row["lat"] = row["lon"] = None
        try:
            row["_x"], row["_y"] = float(x), float(y)
        except (TypeError, ValueError):
            continue
        code = row["codeCommuneEtablissement"] or ""
        groups.setdefault(EPSG_BY_PREFIX.get(code[:3], 2154), []).append(row)
    for epsg, members in groups.items():
        transformer = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)
        lons, lats = transformer.transform([r["_x"] for r in members], [r["_y"] for r in members])
        for row, lon, lat in zip(members, lons, lats, strict=True):
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                row["lat"], row["lon"] = round(lat, 6), round(lon, 6)


def _address(row) -> str:
    parts = [
        row["numeroVoieEtablissement"],
        row["typeVoieEtablissement"],
        row["libelleVoieEtablissement"],
    ]
    return " ".join(p for p in parts if p)[:300]


def enrich(path, *, apply: bool = False, progress: bool = False) -> SireneReport:
    path = Path(path)
    if not path.exists():
        raise SireneError(f"fichier introuvable : {path}")
    report = SireneReport(dry_run=not apply)
    started = time.perf_counter()
    rows, report.members = scan(path)
    report.scanned_seconds = time.perf_counter() - started
    report.matched = len(rows)
    _to_wgs84(rows)
    communes = CommuneIndex().load()
    naf_codes = set(
        NafCode.objects.filter(level=NafCode.Level.SUBCLASS).values_list("code", flat=True)
    )

    est_fields = (
        "name",
        "naf_id",
        "headcount_band",
        "active",
        "commune_id",
        "lat",
        "lon",
        "address",
    )
    by_siret = {r["siret"]: r for r in rows}
    stored = bulk.values_by_key(
        Establishment.objects, "siret", by_siret, "id", "company_id", *est_fields
    )
    company_ids: dict[str, int] = {}

    def wanted(row) -> dict:
        commune = communes.by_code(row["codeCommuneEtablissement"] or "")
        naf = row["activitePrincipaleEtablissement"] or ""
        nomenclature = row["nomenclatureActivitePrincipaleEtablissement"] or "NAFRev2"
        return {
            "name": (
                row["denominationUsuelleEtablissement"] or row["enseigne1Etablissement"] or ""
            )[:250],
            "naf_id": naf if nomenclature == "NAFRev2" and naf in naf_codes else None,
            "headcount_band": row["trancheEffectifsEtablissement"] or "",
            "active": row["etatAdministratifEtablissement"] != "F",
            "commune_id": commune,
            "lat": row["lat"],
            "lon": row["lon"],
            "address": _address(row),
        }

    est_updates, head_offices, new_heads = [], {}, []
    for siret, row in by_siret.items():
        values = wanted(row)
        is_head = (row["etablissementSiege"] or "").lower() == "true"
        current = stored.get(siret)
        if current is None:
            # A company known by SIREN only: its head office becomes an establishment.
            new_heads.append((row["siren"], siret, values))
            head_offices[row["siren"]] = values
            continue
        current_values = dict(zip(est_fields, current[2:], strict=True))
        # Blank SIRENE values (non-diffusible, missing) never erase what is known.
        diff = {k: v for k, v in values.items() if v not in (None, "") and v != current_values[k]}
        if diff:
            est_updates.append({"id": current[0], **current_values, **diff})
            report.fields.update(f"établissement.{k}" for k in diff)
            if diff.get("active") is False:
                report.closed += 1
            if len(report.changes) < 200:
                report.changes.append(f"~ {siret} : " + ", ".join(sorted(diff)))
        if is_head:
            head_offices[row["siren"]] = values
    report.not_found = report.members - report.matched
    report.establishments_updated = len(est_updates)

    company_fields = ("naf_id", "active", "commune_id", "lat", "lon", "headcount_band")
    stored_companies = bulk.values_by_key(
        Company.objects, "siren", head_offices, "id", *company_fields
    )
    company_updates = []
    for siren, values in head_offices.items():
        current = stored_companies.get(siren)
        if current is None:
            continue
        company_ids[siren] = current[0]
        current_values = dict(zip(company_fields, current[1:], strict=True))
        diff = {
            k: values[k]
            for k in company_fields
            if values[k] not in (None, "")
            and values[k] != current_values[k]
            # The head office's band is not the company's: only fill a blank one.
            and (k != "headcount_band" or not current_values[k])
        }
        if diff:
            company_updates.append({"id": current[0], **current_values, **diff})
            report.fields.update(f"entreprise.{k}" for k in diff)
    report.companies_updated = len(company_updates)
    report.establishments_created = len(new_heads)

    if apply:
        with transaction.atomic():
            bulk.update(Establishment, est_updates, est_fields)
            bulk.update(Company, company_updates, company_fields)
            bulk.insert_rows(
                Establishment,
                [
                    {
                        "siret": siret,
                        "company_id": company_ids[siren],
                        "is_head_office": True,
                        "provenance": Provenance.SIRENE,
                        "provenance_detail": path.name[:300],
                        **values,
                    }
                    for siren, siret, values in new_heads
                    if siren in company_ids
                ],
            )
        if company_updates:
            from directory.search_documents import company_documents

            changed = {c["id"] for c in company_updates}
            sirens = [s for s, pk in company_ids.items() if pk in changed]
            search.index_many("company", company_documents(sirens=sirens))
    return report


# --- synthetic stock files ------------------------------------------------------------

_SYNTH_NAF = [
    "25.62B",
    "62.01Z",
    "70.22Z",
    "30.30Z",
    "10.71A",
    "43.21A",
    "47.11F",
    "56.10A",
    "68.20B",
    "86.21Z",
    "49.41A",
    "71.12B",
    "41.20A",
    "01.11Z",
    "96.02A",
]
_BANDS = ["NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51"]


def _luhn_sql(number: str, length: int) -> str:
    """SQL for the Luhn check digit of the integer expression ``number`` (``length`` digits).

    Plain integer arithmetic: list lambdas cost minutes over millions of rows.
    """
    terms = []
    for k in range(length):
        digit = f"(({number} // {10**k}) % 10)"
        # The key is appended, so digits at even positions from the right are doubled.
        terms.append(
            f"({digit} * 2 - CASE WHEN {digit} > 4 THEN 9 ELSE 0 END)" if k % 2 == 0 else digit
        )
    return f"((10 - ({' + '.join(terms)}) % 10) % 10)"


def synthesize(out, rows: int, *, parquet: bool = False, seed: int = 2020) -> dict:
    """Write ``rows`` synthetic StockEtablissement rows; members' SIRETs are included.

    Filler SIRENs start with 9 and carry valid Luhn keys; members' rows keep their
    SIRET with plausible values that differ in places from the database (a few closed,
    new bands), so enrichment has something to report.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    con = connect()
    con.execute(f"SELECT setseed({(seed % 1000) / 1000})")
    inverse = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    communes = _communes() or [("75056", 48.8566, 2.3522)]
    members = []
    rows_db = Establishment.objects.values_list(
        "siret", "is_head_office", "naf_id", "commune_id", "commune__lat", "commune__lon", "name"
    ).order_by("siret")[:rows]
    for i, (siret, head, naf, code, lat, lon, name) in enumerate(rows_db):
        if code is None or lat is None:
            # A member without a located commune gets one, as SIRENE would give.
            code, lat, lon = communes[i % len(communes)]
        members.append((siret, head, naf, code, lat, lon, name))
    xs, ys = inverse.transform([m[5] for m in members], [m[4] for m in members])
    with tempfile.TemporaryDirectory() as tmp:
        member_file = Path(tmp) / "members.csv"
        with member_file.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["i", "siret", "siege", "naf", "commune", "x", "y", "nom"])
            for i, (m, x, y) in enumerate(zip(members, xs, ys, strict=True)):
                writer.writerow(
                    [
                        i,
                        m[0],
                        "true" if m[1] else "false",
                        m[2] or "",
                        m[3] or "",
                        round(x, 1),
                        round(y, 1),
                        m[6] or "",
                    ]
                )
        con.execute(
            f"CREATE TEMP TABLE members AS SELECT * FROM read_csv('{member_file}', header = true, "
            "all_varchar = true)"
        )
        codes = [c[0] for c in communes]
        commune_file = Path(tmp) / "communes.csv"
        commune_file.write_text(
            "idx,code\n" + "".join(f"{i},{c}\n" for i, c in enumerate(codes)), encoding="utf-8"
        )
        con.execute(
            f"CREATE TEMP TABLE communes AS SELECT CAST(idx AS BIGINT) AS idx, code "
            f"FROM read_csv('{commune_file}', header = true, all_varchar = true)"
        )
        fillers = max(rows - len(members), 0)
        n_codes = len(codes)
        body = "(90000000 + i // 3)"
        siren = f"({body} * 10 + {_luhn_sql(body, 8)})"
        siret_body = f"({siren} * 10000 + i % 3 + 1)"
        naf_list = "[" + ", ".join(f"'{c}'" for c in _SYNTH_NAF) + "]"
        band_list = "[" + ", ".join(f"'{b}'" for b in _BANDS) + "]"
        generated = {
            "siren": "substr(siret, 1, 9)",
            "nic": "substr(siret, 10, 5)",
            "siret": "siret",
            "statutDiffusionEtablissement": "'O'",
            "dateCreationEtablissement": (
                "strftime(DATE '1970-01-01' + CAST(i % 20000 AS INTEGER), '%Y-%m-%d')"
            ),
            "trancheEffectifsEtablissement": f"{band_list}[(i % {len(_BANDS)}) + 1]",
            "anneeEffectifsEtablissement": "'2023'",
            "dateDernierTraitementEtablissement": "'2025-06-01T03:04:05'",
            "etablissementSiege": "siege",
            "nombrePeriodesEtablissement": "'1'",
            "numeroVoieEtablissement": "CAST(i % 150 + 1 AS VARCHAR)",
            "typeVoieEtablissement": "'RUE'",
            "libelleVoieEtablissement": "'DE LA REPUBLIQUE'",
            "codePostalEtablissement": "''",
            "codeCommuneEtablissement": "commune",
            "coordonneeLambertAbscisseEtablissement": "x",
            "coordonneeLambertOrdonneeEtablissement": "y",
            "dateDebut": "'2020-01-01'",
            "etatAdministratifEtablissement": "etat",
            "denominationUsuelleEtablissement": "nom",
            "enseigne1Etablissement": "''",
            "activitePrincipaleEtablissement": "naf",
            "nomenclatureActivitePrincipaleEtablissement": "'NAFRev2'",
            "caractereEmployeurEtablissement": "'O'",
            "activitePrincipaleNAF25Etablissement": "naf",
        }
        select = ", ".join(f'{generated.get(c, chr(39) * 2)} AS "{c}"' for c in STOCK_COLUMNS)
        filler = (
            f"SELECT i, CAST({siret_body} * 10 + {_luhn_sql(siret_body, 13)} AS VARCHAR) "
            "AS siret, "
            "CASE WHEN i % 3 = 0 THEN 'true' ELSE 'false' END AS siege, "
            f"{naf_list}[(i % {len(_SYNTH_NAF)}) + 1] AS naf, c.code AS commune, "
            "CAST(100000 + (i * 7919) % 1100000 AS VARCHAR) AS x, "
            "CAST(6050000 + (i * 104729) % 1050000 AS VARCHAR) AS y, "
            "CASE WHEN i % 5 = 0 THEN 'F' ELSE 'A' END AS etat, '' AS nom "
            f"FROM range({fillers}) r(i) JOIN communes c ON c.idx = i % {n_codes}"
        )
        member_rows = (
            "SELECT CAST(i AS BIGINT) AS i, siret, siege, naf, commune, x, y, "
            "CASE WHEN CAST(i AS BIGINT) % 17 = 0 THEN 'F' ELSE 'A' END AS etat, nom FROM members"
        )
        source = f"SELECT {select} FROM ({filler} UNION ALL {member_rows})"
        target = str(out).replace("'", "''")
        options = "(FORMAT PARQUET)" if parquet else "(HEADER, DELIMITER ',')"
        con.execute(f"COPY ({source}) TO '{target}' {options}")
    return {"rows": fillers + len(members), "members": len(members), "path": out}


def _communes() -> list[tuple[str, float, float]]:
    from territories.models import Commune

    located = Commune.objects.filter(lat__isnull=False, lon__isnull=False).order_by("code")
    return list(located.values_list("code", "lat", "lon"))
