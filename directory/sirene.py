"""SIRENE enrichment of member companies from INSEE's StockEtablissement file.

``enrich(path)`` scans the stock file (CSV, optionally gzipped, or Parquet) with
DuckDB, semi-joined to the members' SIRETs (and, for companies known only by SIREN,
to their head office); DuckDB streams the file with a bounded memory limit. It then
fills or refreshes establishment name, NAF, headcount band, active/closed, commune and
coordinates (Lambert 93, or the legal projection of each overseas département,
converted to WGS84 with pyproj on numpy arrays) and the company's fields from its head
office. The members' current values are loaded into DuckDB once (raw cursor, pandas),
so the wanted values and the field-by-field changes are SQL; only the changes reach
Python, and only when they are to be written. Dry run by default.

``synthesize(out, rows)`` writes a synthetic stock file of any size in the real
column layout, including the members' SIRETs so that enrichment finds them.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
        """The report in the active language (French on the command line)."""
        if self.dry_run:
            text = _(
                "Simulation (--apply pour écrire) : %(matched)s établissements trouvés sur "
                "%(members)s recherchés (%(not_found)s absents du fichier) ; "
                "%(establishments)s établissements et %(companies)s entreprises modifiés, "
                "%(created)s sièges ajoutés, %(closed)s fermés. Champs : %(fields)s."
            )
        else:
            text = _(
                "Enrichissement SIRENE : %(matched)s établissements trouvés sur "
                "%(members)s recherchés (%(not_found)s absents du fichier) ; "
                "%(establishments)s établissements et %(companies)s entreprises modifiés, "
                "%(created)s sièges ajoutés, %(closed)s fermés. Champs : %(fields)s."
            )
        fields = ", ".join(f"{_field_label(k)} {v}" for k, v in sorted(self.fields.items())) or _(
            "aucun champ"
        )
        return text % {
            "matched": self.matched,
            "members": self.members,
            "not_found": self.not_found,
            "establishments": self.establishments_updated,
            "companies": self.companies_updated,
            "created": self.establishments_created,
            "closed": self.closed,
            "fields": fields,
        }


# The model part of SireneReport.fields' keys ("établissement.naf_id"), which stay French
# (they are data) and are translated when the summary is written.
_FIELD_MODELS = {
    "établissement": gettext_lazy("établissement"),
    "entreprise": gettext_lazy("entreprise"),
}


def _field_label(key: str) -> str:
    model, dot, name = key.partition(".")
    return f"{_FIELD_MODELS.get(model, model)}{dot}{name}"


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


def _table(con, name: str, spec: list[tuple[str, str]], rows: list[tuple]) -> None:
    """A typed DuckDB temp table from Python rows (through pandas, in C)."""
    import pandas as pd

    frame = pd.DataFrame.from_records(rows, columns=[c for c, _t in spec])
    con.register(f"{name}_df", frame)
    # Typed copy: an empty or all-NULL column must still compare as text, boolean or
    # double; pandas turns NULL floats into NaN, which must be NULL again.
    select = ", ".join(
        f"nullif({c}::DOUBLE, 'NaN'::DOUBLE) AS {c}" if t == "DOUBLE" else f"{c}::{t} AS {c}"
        for c, t in spec
    )
    # A plain table, not TEMP: the database is in memory and private to one run, and
    # tables loaded from another cursor while the scan runs must be visible to it.
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {select} FROM {name}_df")
    con.unregister(f"{name}_df")


def _raw(sql: str) -> list[tuple]:
    # A plain cursor: the ORM's per-value converters cost more than the query at 200,000 rows.
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


EST_FIELDS = ("name", "naf_id", "headcount_band", "active", "commune_id", "lat", "lon", "address")
COMPANY_FIELDS = ("naf_id", "active", "commune_id", "lat", "lon", "headcount_band")
EST_TYPES = [
    ("name", "VARCHAR"),
    ("naf_id", "VARCHAR"),
    ("headcount_band", "VARCHAR"),
    ("active", "BOOLEAN"),
    ("commune_id", "VARCHAR"),
    ("lat", "DOUBLE"),
    ("lon", "DOUBLE"),
    ("address", "VARCHAR"),
]


def _member_keys(con) -> int:
    """Register the members' SIRETs, and the SIRENs known without any, as DuckDB tables.

    Only the keys: the scan needs nothing else, so it can start while the members'
    current values are still being read (``_stored_members``). Returns the member count.
    """
    est = Establishment._meta.db_table
    company = Company._meta.db_table
    sirets = _raw(f"SELECT siret FROM {est}")
    sirens = _raw(
        f"SELECT siren FROM {company} c "
        f"WHERE NOT EXISTS (SELECT 1 FROM {est} e WHERE e.company_id = c.id)"
    )
    _table(con, "member_sirets", [("siret", "VARCHAR")], sirets)
    _table(con, "member_sirens", [("siren", "VARCHAR")], sirens)
    return len(sirets) + len(sirens)


def _stored_members() -> tuple[list[tuple], list[tuple]]:
    """The members' current values, read from the project database (no DuckDB)."""
    est = Establishment._meta.db_table
    company = Company._meta.db_table
    stored_est = _raw(
        f"SELECT siret, id, company_id, {', '.join(_column(Establishment, f) for f in EST_FIELDS)} "
        f"FROM {est}"
    )
    stored_company = _raw(
        f"SELECT siren, id, {', '.join(_column(Company, f) for f in COMPANY_FIELDS)} FROM {company}"
    )
    return stored_est, stored_company


def _register_stored(con, stored_est: list[tuple], stored_company: list[tuple]) -> None:
    _table(
        con,
        "stored_est",
        [("siret", "VARCHAR"), ("id", "BIGINT"), ("company_id", "BIGINT"), *EST_TYPES],
        stored_est,
    )
    _table(
        con,
        "stored_company",
        [
            ("siren", "VARCHAR"),
            ("id", "BIGINT"),
            *[(f, dict(EST_TYPES)[f]) for f in COMPANY_FIELDS],
        ],
        stored_company,
    )


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


def _csv_header(path: Path) -> tuple[list[str], str]:
    """Column names and delimiter from the first line of a CSV (plain or gzipped) file.

    Read here rather than sniffed by DuckDB: the sniffer samples the file a second time,
    and the stock's dialect is known (quoted with double quotes, one header line).
    """
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            line = handle.readline()
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(exc) from None
    delimiter = max(",;\t|", key=line.count)
    names = next(csv.reader([line], delimiter=delimiter), [])
    return [name.strip() for name in names], delimiter


def _source(path: Path) -> tuple[str, set[str]]:
    """The DuckDB table function reading ``path``, and the columns it has."""
    quoted = str(path).replace("'", "''")
    if path.name.lower().endswith(".parquet"):
        source = f"read_parquet('{quoted}')"
        return source, {c for (c,) in _describe(source)}
    names, delimiter = _csv_header(path)
    if len(set(names)) != len(names) or not all(names):
        raise SireneError(_("en-tête SIRENE illisible : noms de colonnes vides ou répétés"))
    # Every column as text: codes such as 01053 or 0001 must keep their leading zeros.
    columns = ", ".join("'{}': 'VARCHAR'".format(n.replace("'", "''")) for n in names)
    source = (
        f"read_csv('{quoted}', header = true, auto_detect = false, delim = '{delimiter}', "
        f"quote = '\"', escape = '\"', columns = {{{columns}}})"
    )
    return source, set(names)


def _describe(source: str) -> list[tuple]:
    try:
        con = connect()
        return con.execute(f"SELECT column_name FROM (DESCRIBE SELECT * FROM {source})").fetchall()
    except duckdb.Error as exc:
        raise _unreadable(exc) from None


def _unreadable(exc: Exception) -> SireneError:
    return SireneError(_("fichier SIRENE illisible : %(error)s") % {"error": exc})


def _scan(source: str, con) -> None:
    """Table ``candidates``: the stock rows of the members (by SIRET, or head office by SIREN)."""
    select = ", ".join(f's."{c}"::VARCHAR AS "{c}"' for c in USED)
    # A hash semi-join on SIREN keeps only the members' companies' rows while the file
    # streams; the exact SIRET / head-office test then runs on those few rows only.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE member_companies AS "
        "SELECT DISTINCT substr(siret, 1, 9) AS siren FROM member_sirets "
        "UNION SELECT siren FROM member_sirens"
    )
    # DuckDB has no row estimate for a CSV file and would build the hash table on the
    # file's side, copying every row's columns into it (twice the time of the bare read);
    # the members' side is the small one, so the build-side flip is turned off here.
    con.execute("SET disabled_optimizers = 'build_side_probe_side'")
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE candidates AS "
            f"WITH candidates AS MATERIALIZED (SELECT {select} FROM {source} s "
            "SEMI JOIN member_companies m ON s.siren::VARCHAR = m.siren) "
            "SELECT * FROM (SELECT row_number() OVER () AS rid, * FROM candidates c "
            "WHERE c.siret IN (SELECT siret FROM member_sirets) "
            "OR (c.siren IN (SELECT siren FROM member_sirens) "
            "    AND lower(c.etablissementSiege) = 'true')) "
            # One row per SIRET (the last), as a dict keyed by SIRET would keep.
            "QUALIFY row_number() OVER (PARTITION BY siret ORDER BY rid DESC) = 1"
        )
    finally:
        # A duckdb.Error goes back to enrich(), which words it in the caller's language:
        # this thread does not share the caller's active translation.
        con.execute("RESET disabled_optimizers")


def _register_lookups(con) -> None:
    """Tables ``commune_map`` (current or former code to current) and ``naf_codes``."""
    communes = CommuneIndex().load()
    mapping = dict(communes.former)
    mapping.update((code, code) for code in communes.codes)
    _table(
        con, "commune_map", [("code", "VARCHAR"), ("commune_id", "VARCHAR")], list(mapping.items())
    )
    naf_codes = NafCode.objects.filter(level=NafCode.Level.SUBCLASS).values_list("code", flat=True)
    _table(con, "naf_codes", [("code", "VARCHAR")], [(c,) for c in naf_codes])


def _wanted(con) -> None:
    """Table ``wanted``: the member values the stock says, computed in DuckDB."""
    code = "upper(trim(coalesce(c.codeCommuneEtablissement, '')))"
    code = f"CASE WHEN regexp_full_match({code}, '[0-9]{{4}}') THEN '0' || {code} ELSE {code} END"
    epsg = " ".join(f"WHEN '{prefix}' THEN {value}" for prefix, value in EPSG_BY_PREFIX.items())
    con.execute(
        "CREATE OR REPLACE TEMP TABLE wanted AS SELECT c.rid, c.siret, c.siren, "
        "lower(coalesce(c.etablissementSiege, '')) = 'true' AS is_head, "
        "left(coalesce(nullif(c.denominationUsuelleEtablissement, ''), "
        "     nullif(c.enseigne1Etablissement, ''), ''), 250) AS name, "
        "CASE WHEN coalesce(nullif(c.nomenclatureActivitePrincipaleEtablissement, ''), "
        "     'NAFRev2') = 'NAFRev2' AND n.code IS NOT NULL "
        "     THEN c.activitePrincipaleEtablissement END AS naf_id, "
        "coalesce(c.trancheEffectifsEtablissement, '') AS headcount_band, "
        "coalesce(c.etatAdministratifEtablissement, '') <> 'F' AS active, "
        "m.commune_id AS commune_id, "
        "NULL::DOUBLE AS lat, NULL::DOUBLE AS lon, "
        "left(concat_ws(' ', nullif(c.numeroVoieEtablissement, ''), "
        "     nullif(c.typeVoieEtablissement, ''), nullif(c.libelleVoieEtablissement, '')), "
        "     300) AS address, "
        "TRY_CAST(c.coordonneeLambertAbscisseEtablissement AS DOUBLE) AS x, "
        "TRY_CAST(c.coordonneeLambertOrdonneeEtablissement AS DOUBLE) AS y, "
        f"CASE substr(coalesce(c.codeCommuneEtablissement, ''), 1, 3) {epsg} ELSE 2154 END "
        "AS epsg "
        "FROM candidates c "
        "LEFT JOIN naf_codes n ON n.code = c.activitePrincipaleEtablissement "
        f"LEFT JOIN commune_map m ON m.code = {code}"
    )
    _to_wgs84(con)


def _to_wgs84(con) -> None:
    """Fill wanted.lat/lon from Lambert coordinates: one vectorised pyproj call per projection."""
    import numpy as np

    arrays = con.execute(
        "SELECT rid, x, y, epsg FROM wanted WHERE x IS NOT NULL AND y IS NOT NULL"
    ).fetchnumpy()
    if not len(arrays["rid"]):
        return
    rid = np.asarray(arrays["rid"])
    x, y = np.asarray(arrays["x"], dtype=float), np.asarray(arrays["y"], dtype=float)
    epsg = np.asarray(arrays["epsg"])
    lat, lon = np.full(len(rid), np.nan), np.full(len(rid), np.nan)
    for code in np.unique(epsg):
        mask = epsg == code
        transformer = Transformer.from_crs(f"EPSG:{int(code)}", "EPSG:4326", always_xy=True)
        lon[mask], lat[mask] = transformer.transform(x[mask], y[mask])
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    import pandas as pd

    frame = pd.DataFrame({"rid": rid[ok], "lat": lat[ok].round(6), "lon": lon[ok].round(6)})
    con.register("coords_df", frame)
    con.execute(
        "UPDATE wanted SET lat = k.lat, lon = k.lon FROM coords_df k WHERE wanted.rid = k.rid"
    )
    con.unregister("coords_df")


def _changed(field: str, current: str = "s") -> str:
    # Blank SIRENE values (non-diffusible, missing) never erase what is known.
    w = f"w.{field}"
    blank = f"{w} IS NOT NULL"
    if field not in ("active", "lat", "lon"):
        blank += f" AND {w}::VARCHAR <> ''"
    return f"({blank} AND {w} IS DISTINCT FROM {current}.{field})"


def _diff_query(fields, changed: dict[str, str], source: str) -> str:
    merged = ", ".join(f"CASE WHEN {changed[f]} THEN w.{f} ELSE s.{f} END AS {f}" for f in fields)
    flags = ", ".join(f"{changed[f]} AS ch_{f}" for f in fields)
    any_change = " OR ".join(changed[f] for f in fields)
    return f"SELECT s.id, {merged}, {flags} {source} AND ({any_change})"


def enrich(path, *, apply: bool = False, progress: bool = False) -> SireneReport:
    path = Path(path)
    if not path.exists():
        raise SireneError(_("fichier introuvable : %(path)s") % {"path": path})
    report = SireneReport(dry_run=not apply)
    started = time.perf_counter()
    source, columns = _source(path)
    missing = [c for c in USED if c not in columns]
    if missing:
        raise SireneError(
            _("colonnes SIRENE absentes : %(columns)s") % {"columns": ", ".join(missing)}
        )
    con = connect()
    report.members = _member_keys(con)
    # DuckDB releases the GIL while it scans: the members' current values, communes and
    # NAF codes are read from the project database meanwhile, on this thread (Django's
    # connection belongs to it), and loaded into DuckDB through a second cursor.
    with ThreadPoolExecutor(max_workers=1) as pool:
        scanning = pool.submit(_scan, source, con)
        try:
            side = con.cursor()
            _register_stored(side, *_stored_members())
            _register_lookups(side)
            side.close()
        except BaseException:
            con.interrupt()  # do not wait for a national file to be read for nothing
            raise
        finally:
            scanning_error = scanning.exception()
    if isinstance(scanning_error, duckdb.Error):
        raise _unreadable(scanning_error) from None
    if scanning_error:
        raise scanning_error
    report.scanned_seconds = time.perf_counter() - started
    (report.matched,) = con.execute("SELECT count(*) FROM candidates").fetchall()[0]
    report.not_found = report.members - report.matched
    _wanted(con)

    # Establishments: the members' own, compared in DuckDB; only changes come back.
    est_changed = {f: _changed(f) for f in EST_FIELDS}
    con.execute(
        "CREATE OR REPLACE TEMP TABLE est_diff AS "
        + _diff_query(
            EST_FIELDS,
            est_changed,
            "FROM wanted w JOIN stored_est s ON s.siret = w.siret WHERE TRUE",
        )
        + " ORDER BY w.rid"
    )
    _count_fields(con, report, "est_diff", "établissement", EST_FIELDS)
    (report.establishments_updated,) = con.execute("SELECT count(*) FROM est_diff").fetchall()[0]
    (report.closed,) = con.execute(
        "SELECT count(*) FROM est_diff WHERE ch_active AND NOT active"
    ).fetchall()[0]
    flag_list = ", ".join(f"ch_{f}" for f in EST_FIELDS)
    changed_line = _("~ %(siret)s : %(fields)s")
    for row in con.execute(
        f"SELECT e.siret, {flag_list} FROM est_diff d JOIN stored_est e ON e.id = d.id LIMIT 200"
    ).fetchall():
        fields = sorted(f for f, flag in zip(EST_FIELDS, row[1:], strict=True) if flag)
        report.changes.append(changed_line % {"siret": row[0], "fields": ", ".join(fields)})

    # Companies: from their head office, or from the one found for a SIREN-only member.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE heads AS SELECT w.* FROM wanted w "
        "WHERE w.is_head OR NOT EXISTS (SELECT 1 FROM stored_est e WHERE e.siret = w.siret) "
        "QUALIFY row_number() OVER (PARTITION BY w.siren ORDER BY w.rid DESC) = 1"
    )
    company_changed = {f: _changed(f) for f in COMPANY_FIELDS}
    # The head office's band is not the company's: only fill a blank one.
    company_changed["headcount_band"] = (
        f"({company_changed['headcount_band']} AND coalesce(s.headcount_band, '') = '')"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE company_diff AS "
        + _diff_query(
            COMPANY_FIELDS,
            company_changed,
            "FROM heads w JOIN stored_company s ON s.siren = w.siren WHERE TRUE",
        )
    )
    _count_fields(con, report, "company_diff", "entreprise", COMPANY_FIELDS)
    (report.companies_updated,) = con.execute("SELECT count(*) FROM company_diff").fetchall()[0]
    new_heads_sql = (
        f"SELECT w.siret, s.id AS company_id, {', '.join('w.' + f for f in EST_FIELDS)} "
        "FROM wanted w LEFT JOIN stored_company s ON s.siren = w.siren "
        "WHERE NOT EXISTS (SELECT 1 FROM stored_est e WHERE e.siret = w.siret)"
    )
    (report.establishments_created,) = con.execute(
        f"SELECT count(*) FROM ({new_heads_sql})"
    ).fetchall()[0]

    if apply:
        est_updates = _records(con, "est_diff", ("id", *EST_FIELDS))
        company_updates = _records(con, "company_diff", ("id", *COMPANY_FIELDS))
        new_heads = _records(
            con,
            f"({new_heads_sql}) WHERE company_id IS NOT NULL",
            ("siret", "company_id", *EST_FIELDS),
        )
        with transaction.atomic():
            bulk.update(Establishment, est_updates, EST_FIELDS)
            bulk.update(Company, company_updates, COMPANY_FIELDS)
            bulk.insert_rows(
                Establishment,
                [
                    {
                        "is_head_office": True,
                        "provenance": Provenance.SIRENE,
                        "provenance_detail": path.name[:300],
                        **row,
                    }
                    for row in new_heads
                ],
            )
        if company_updates:
            from directory.search_documents import company_documents

            sirens = [
                siren
                for (siren,) in con.execute(
                    "SELECT s.siren FROM company_diff d JOIN stored_company s ON s.id = d.id"
                ).fetchall()
            ]
            search.index_many("company", company_documents(sirens=sirens))
    con.close()
    return report


def _count_fields(con, report, table: str, label: str, fields) -> None:
    sums = ", ".join(f"count(*) FILTER (WHERE ch_{f})" for f in fields)
    for f, n in zip(fields, con.execute(f"SELECT {sums} FROM {table}").fetchall()[0], strict=True):
        if n:
            report.fields[f"{label}.{f}"] += n


def _records(con, source: str, fields) -> list[dict]:
    cursor = con.execute(f"SELECT {', '.join(fields)} FROM {source}")
    rows = []
    for values in cursor.fetchall():
        row = dict(zip(fields, values, strict=True))
        # NULL lat/lon from pandas arrive as NaN; the database wants NULL.
        for key in ("lat", "lon"):
            if row.get(key) is not None and row[key] != row[key]:
                row[key] = None
        rows.append(row)
    return rows


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
