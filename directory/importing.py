"""Import clusters and their members from CSV or XLSX files.

``import_file`` validates every row, upserts the valid ones in bulk (companies by
SIREN, establishments by SIRET, memberships by cluster + company, clusters by SIREN or
identifier) and returns an :class:`ImportReport`. Nothing is written unless
``apply=True``; nothing is deleted unless ``prune=True``. Rejected rows are reported
with line, column and reason, and copied to a rejects file (same format plus a
``motif_rejet`` column) that can be fixed and imported again. Importing the same file
twice changes nothing the second time: blank cells never erase a known value.

The column lists below are the single source for the template files, the checks and
``docs/import.md`` (a test compares them).
"""

from __future__ import annotations

import csv
import gc
import io
import operator
import re
import time
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from tqdm import tqdm

from activities.models import Filiere, NafCode
from core import search
from core.insee import HEADCOUNT_BANDS
from core.text import normalize_name
from directory import bulk
from directory.communes import CommuneIndex
from directory.identifiers import clean_digits, normalize_naf, siren_error, siret_error
from directory.labels import LABELS
from directory.models import (
    AuditEntry,
    Cluster,
    Company,
    Contact,
    Establishment,
    Membership,
    Provenance,
)
from directory.search_documents import _join
from territories.models import Commune

KINDS = ("clusters", "members")
REJECT_COLUMN = "motif_rejet"


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    example: str
    required: bool = False
    aliases: tuple[str, ...] = ()


COMMUNE_COLUMNS = [
    Column(
        "code_commune",
        "Code INSEE de la commune (5 caractères, ex. 31555 ; un ancien code de commune "
        "fusionnée est accepté).",
        "31555",
        aliases=("code_insee", "insee", "codecommuneetablissement"),
    ),
    Column(
        "code_postal",
        "Code postal, utilisé avec « commune » si le code INSEE manque.",
        "31000",
        aliases=("cp", "codepostal"),
    ),
    Column("commune", "Nom de la commune.", "Toulouse", aliases=("ville", "libelle_commune")),
]

COLUMNS: dict[str, list[Column]] = {
    "members": [
        Column(
            "siret",
            "SIRET de l'établissement adhérent (14 chiffres). SIRET ou SIREN obligatoire.",
            "35600000000048",
        ),
        Column(
            "siren",
            "SIREN de l'entreprise (9 chiffres), si le SIRET n'est pas connu.",
            "356000000",
        ),
        Column(
            "raison_sociale",
            "Nom de l'entreprise.",
            "La Poste",
            required=True,
            aliases=("nom", "denomination", "entreprise"),
        ),
        Column(
            "code_naf",
            "Code APE/NAF rév. 2 de la sous-classe (ex. 25.62A ou 2562A).",
            "53.10Z",
            aliases=("naf", "ape", "code_ape"),
        ),
        Column(
            "tranche_effectif",
            "Tranche d'effectif salarié INSEE (NN, 00, 01, 02, 03, 11, 12, 21, 22, 31, 32, "
            "41, 42, 51, 52, 53).",
            "53",
            aliases=("effectif",),
        ),
        *COMMUNE_COLUMNS,
        Column("adresse", "Adresse postale de l'établissement.", "9 rue du Colonel Pierre Avia"),
        Column(
            "site_web",
            "Adresse du site web (https://…).",
            "https://www.laposte.fr",
            aliases=("site", "url"),
        ),
        Column(
            "email",
            "E-mail de contact de l'entreprise.",
            "contact@example.org",
            aliases=("e_mail", "courriel", "mail"),
        ),
        Column(
            "offre",
            "Savoir-faire et offre, en quelques phrases (sert à la mise en relation).",
            "Logistique du dernier kilomètre",
            aliases=("savoir_faire", "description"),
        ),
        Column(
            "role",
            "Rôle dans le cluster : adhérent (par défaut), fondateur ou partenaire.",
            "adhérent",
        ),
        Column(
            "date_adhesion",
            "Date d'adhésion, AAAA-MM-JJ ou JJ/MM/AAAA.",
            "2021-09-01",
            aliases=("adhesion",),
        ),
        Column(
            "cluster",
            "Identifiant du cluster (slug). Obligatoire si la commande ne précise pas "
            "--cluster (ou si l'import en ligne ne porte pas sur un cluster).",
            "cluster-exemple",
            aliases=("identifiant_cluster",),
        ),
    ],
    "clusters": [
        Column("nom", "Nom du cluster.", "Cluster Exemple", required=True, aliases=("name",)),
        Column(
            "identifiant",
            "Identifiant court (slug) ; déduit du nom s'il est vide.",
            "cluster-exemple",
            aliases=("slug",),
        ),
        Column("sigle", "Sigle.", "CE", aliases=("acronyme",)),
        Column(
            "type",
            "pôle de compétitivité, cluster (par défaut), grappe, réseau ou autre.",
            "cluster",
        ),
        Column("siren", "SIREN de la structure d'animation (9 chiffres).", ""),
        *COMMUNE_COLUMNS,
        Column("adresse", "Adresse du siège.", "9 rue du Colonel Pierre Avia"),
        Column("site_web", "Site web (https://…).", "https://cluster.example.org"),
        Column(
            "filiere",
            "Filière principale : nom ou identifiant d'une des filières de Mapster.",
            "énergie, éco énergies",
        ),
        Column(
            "labels",
            "Codes de labels séparés par « | » (voir la liste dans la documentation).",
            "france-clusters|eco-bronze",
        ),
        Column("description", "Présentation du cluster.", "Réseau d'entreprises de l'énergie."),
        Column(
            "adherents_declares",
            "Nombre d'adhérents déclaré par le cluster.",
            "42",
        ),
        Column("contact_nom", "Nom d'une personne à contacter.", "Camille Martin"),
        Column("contact_fonction", "Sa fonction.", "Chargée de mission"),
        Column("contact_email", "Son e-mail.", "camille.martin@example.org"),
        Column("contact_telephone", "Son téléphone.", "05 61 00 00 00"),
    ],
}


@dataclass
class RowError:
    line: int
    column: str
    value: str
    reason: str

    def __str__(self):
        shown = f" ({self.value!r})" if self.value else ""
        if self.column:
            text = _("ligne %(line)s, colonne « %(column)s »%(value)s : %(reason)s")
        else:
            text = _("ligne %(line)s%(value)s : %(reason)s")
        return text % {
            "line": self.line,
            "column": self.column,
            "value": shown,
            "reason": self.reason,
        }


# The words of ImportReport.details, which stay French keys (the counts are data) and are
# translated when the summary is written.
_DETAIL_WORDS = {
    "entreprises": gettext_lazy("entreprises"),
    "établissements": gettext_lazy("établissements"),
    "adhésions": gettext_lazy("adhésions"),
    "clusters": gettext_lazy("clusters"),
    "créées": gettext_lazy("créées"),
    "créés": gettext_lazy("créés"),
    "modifiées": gettext_lazy("modifiées"),
    "modifiés": gettext_lazy("modifiés"),
    "retirées": gettext_lazy("retirées"),
    "à retirer": gettext_lazy("à retirer"),
}


@dataclass
class ImportReport:
    kind: str
    source: str
    dry_run: bool = True
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Per model: {"companies": {"created": n, "updated": n}, …}
    details: dict[str, Counter] = field(default_factory=dict)
    # Human-readable lines describing changes (first ones only, for dry runs).
    changes: list[str] = field(default_factory=list)
    to_prune: list[str] = field(default_factory=list)
    pruned: int = 0
    rejects_path: Path | None = None
    fatal: str = ""
    # Seconds spent per phase, for the command's summary and the benchmark.
    seconds: dict[str, float] = field(default_factory=dict)

    MAX_CHANGES = 200

    def count(self, model: str, what: str, n: int = 1) -> None:
        self.details.setdefault(model, Counter())[what] += n

    def change(self, text: str) -> None:
        if len(self.changes) < self.MAX_CHANGES:
            self.changes.append(text)

    @property
    def ok(self) -> bool:
        return not self.fatal

    def summary(self) -> str:
        """The report in the active language (French on the command line)."""
        if self.fatal:
            return _("Import impossible : %(reason)s") % {"reason": self.fatal}
        if self.dry_run:
            head = _(
                "Simulation (rien n'est écrit ; --apply pour importer) de %(source)s : "
                "%(rows)s lignes, %(created)s créées, %(updated)s modifiées, "
                "%(unchanged)s inchangées, %(rejected)s rejetées."
            )
        else:
            head = _(
                "Import de %(source)s : %(rows)s lignes, %(created)s créées, "
                "%(updated)s modifiées, %(unchanged)s inchangées, %(rejected)s rejetées."
            )
        lines = [
            head
            % {
                "source": self.source,
                "rows": self.rows,
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "rejected": self.rejected,
            }
        ]

        def word(key: str) -> str:
            return str(_DETAIL_WORDS.get(key, key))

        for model, counts in self.details.items():
            counted = ", ".join(f"{word(k)} {v}" for k, v in counts.items())
            lines.append(
                "  " + _("%(model)s : %(counts)s") % {"model": word(model), "counts": counted}
            )
        if self.to_prune:
            if self.dry_run:
                pruned = _("%(count)s à retirer (absentes du fichier, --prune).")
            else:
                pruned = _("%(count)s retirées (absentes du fichier, --prune).")
            lines.append("  " + pruned % {"count": len(self.to_prune)})
        if self.rejects_path:
            lines.append(
                "  " + _("Lignes rejetées copiées dans %(path)s") % {"path": self.rejects_path}
            )
        return "\n".join(lines)


class ImportError_(Exception):
    """The file as a whole cannot be read (format, encoding, missing columns)."""


# --- reading ---------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]  # as written in the file
    rows: list[list[str]]
    lines: list[int]  # line number of each row in the file
    fmt: str  # "csv" or "xlsx"
    delimiter: str = ";"
    encoding: str = "utf-8"


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise ImportError_(_("le fichier est vide")) from None
    rows, lines = [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        rows.append(row)
        # line_num counts physical lines, so multi-line quoted cells keep true numbers.
        lines.append(reader.line_num)
    return Table(headers, rows, lines, "csv", delimiter, encoding)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ImportError_(
            _("classeur XLSX illisible (%(error)s)") % {"error": exc.__class__.__name__}
        ) from None
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        headers = [_cell(v) for v in next(rows_iter)]
    except StopIteration:
        raise ImportError_(_("la première feuille est vide")) from None
    rows, lines = [], []
    for number, values in enumerate(rows_iter, start=2):
        row = [_cell(v) for v in values]
        if any(cell.strip() for cell in row):
            rows.append(row)
            lines.append(number)
    workbook.close()
    return Table(headers, rows, lines, "xlsx")


def read_table(data: bytes, filename: str) -> Table:
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if b"\x00" in data[:4096]:
        raise ImportError_(_("format non reconnu : attendu CSV ou XLSX"))
    return _read_csv(data)


def _header_key(header: str) -> str:
    return normalize_name(header).replace(" ", "_")


def map_columns(kind: str, headers: list[str]) -> dict[str, int]:
    """Column name -> index in the file; unknown headers are ignored."""
    lookup = {}
    for column in COLUMNS[kind]:
        for alias in (column.name, *column.aliases):
            lookup[_header_key(alias)] = column.name
    mapping = {}
    for index, header in enumerate(headers):
        name = lookup.get(_header_key(header))
        if name and name not in mapping:
            mapping[name] = index
    return mapping


# --- writing rejects and templates -------------------------------------------------------


def write_rejects(table: Table, rejected: list[tuple[int, str]], path: Path) -> Path:
    """Copy rejected rows (index in table.rows, reason) in the file's own format."""
    headers = [*table.headers, REJECT_COLUMN]
    width = len(table.headers)
    rows = [[*(table.rows[i] + [""] * width)[:width], reason] for i, reason in sorted(rejected)]
    path.parent.mkdir(parents=True, exist_ok=True)
    if table.fmt == "xlsx":
        path.write_bytes(_xlsx_bytes(headers, rows))
    else:
        encoding = "utf-8-sig" if table.encoding == "utf-8-sig" else table.encoding
        with path.open("w", encoding=encoding, newline="", errors="replace") as out:
            writer = csv.writer(out, delimiter=table.delimiter)
            writer.writerow(headers)
            writer.writerows(rows)
    return path


def _xlsx_bytes(headers, rows, notes: list[list[str]] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("import")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if notes:
        doc = workbook.create_sheet("colonnes")
        for row in notes:
            doc.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_file(kind: str, fmt: str = "csv") -> bytes:
    """The file offered for download: every column, one example row.

    CSV is UTF-8 with BOM and semicolons, as French Excel opens it; XLSX has a second
    sheet describing each column.
    """
    if kind not in COLUMNS:
        raise ValueError(f"unknown import kind {kind!r}")
    columns = COLUMNS[kind]
    headers = [c.name for c in columns]
    example = [c.example for c in columns]
    if fmt == "xlsx":
        notes = [["colonne", "obligatoire", "description"]] + [
            [c.name, "oui" if c.required else "", c.description] for c in columns
        ]
        return _xlsx_bytes(headers, [example], notes)
    if fmt != "csv":
        raise ValueError(f"unknown template format {fmt!r}")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerow(example)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- shared cell checks ----------------------------------------------------------------

_url_validator = URLValidator(schemes=["http", "https"])
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ROLES = {
    "adherent": Membership.Role.MEMBER,
    "membre": Membership.Role.MEMBER,
    "member": Membership.Role.MEMBER,
    "fondateur": Membership.Role.FOUNDER,
    "membre fondateur": Membership.Role.FOUNDER,
    "founder": Membership.Role.FOUNDER,
    "partenaire": Membership.Role.PARTNER,
    "partner": Membership.Role.PARTNER,
}
_CLUSTER_KINDS = {
    "pole": Cluster.Kind.POLE,
    "pole de competitivite": Cluster.Kind.POLE,
    "cluster": Cluster.Kind.CLUSTER,
    "cluster d entreprises": Cluster.Kind.CLUSTER,
    "grappe": Cluster.Kind.GRAPPE,
    "grappe d entreprises": Cluster.Kind.GRAPPE,
    "reseau": Cluster.Kind.REGIONAL,
    "reseau regional": Cluster.Kind.REGIONAL,
    "autre": Cluster.Kind.OTHER,
}


_FAST_URL = re.compile(
    r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?(?::\d{1,5})?(?:[/?#]\S*)?$",
    re.IGNORECASE,
)
_FAST_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    re.IGNORECASE,
)


def clean_url(value: str) -> tuple[str, str | None]:
    if not value:
        return "", None
    if not value.lower().startswith(("http://", "https://")):
        value = "https://" + value
    # The common shape is checked by one regex; anything else (IDN, IP) by Django's.
    if not _FAST_URL.match(value):
        try:
            _url_validator(value)
        except ValidationError:
            return "", _("adresse web invalide")
    if len(value) > 300:
        return "", _("adresse web trop longue (300 caractères au plus)")
    return value, None


def clean_email(value: str) -> tuple[str, str | None]:
    if not value:
        return "", None
    if not _FAST_EMAIL.match(value):
        try:
            validate_email(value)
        except ValidationError:
            return "", _("adresse e-mail invalide")
    return value.lower(), None


def clean_date(value: str) -> tuple[date | None, str | None]:
    if not value:
        return None, None
    try:
        if _ISO_DATE.match(value):
            return date.fromisoformat(value), None
        match = _FR_DATE.match(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day), None
    except ValueError:
        pass
    return None, _("date invalide (attendu AAAA-MM-JJ ou JJ/MM/AAAA)")


# INSEE code prefixes of the collectivités d'outre-mer, which the reference leaves out.
_COM_PREFIXES = frozenset({"975", "977", "978", "984", "986", "987", "988", "989"})


class _Context:
    """Reference look-ups loaded once per import."""

    def __init__(self):
        self.communes = CommuneIndex().load()
        self.naf = set(
            NafCode.objects.filter(level=NafCode.Level.SUBCLASS).values_list("code", flat=True)
        )
        self.filieres = {}
        for slug, name in Filiere.objects.values_list("slug", "name"):
            self.filieres[normalize_name(slug)] = slug
            self.filieres[normalize_name(name)] = slug
        self.clusters = dict(Cluster.objects.values_list("slug", "pk"))

    def commune(self, get, errors: list) -> str | None:
        code, postal, name = get("code_commune"), get("code_postal"), get("commune")
        if code:
            found = self.communes.by_code(code)
            if not found:
                # The reference leaves out the collectivités d'outre-mer (975 to 989):
                # say so rather than call a real commune unknown.
                reason = (
                    _("commune d'une collectivité d'outre-mer (975 à 989), hors du référentiel")
                    if code[:3] in _COM_PREFIXES and len(code) == 5
                    else _("code commune INSEE inconnu")
                )
                errors.append(("code_commune", code, reason))
            return found
        if postal:
            found = self.communes.by_postal_name(postal, name)
            if not found:
                reason = (
                    _("aucune commune de ce nom pour ce code postal")
                    if name
                    else _("code postal ambigu ou inconnu : préciser la commune")
                )
                errors.append(("code_postal", f"{postal} {name}".strip(), reason))
            return found
        if name:
            errors.append(("commune", name, _("indiquer aussi le code postal ou le code INSEE")))
        return None


# --- the import itself -------------------------------------------------------------------


def import_file(source, kind: str, **options) -> ImportReport:
    """Import ``source`` (a path, bytes or a file object such as an upload).

    ``cluster`` is the slug of the cluster every member row belongs to; without it the
    members file needs a ``cluster`` column. Other options: ``apply``, ``prune``,
    ``filename``, ``rejects_path``, ``user``, ``progress``.
    """
    # The cyclic garbage collector is paused for the import: a 100,000-row file keeps
    # hundreds of thousands of live lists and dicts (cells, valid rows, statement
    # parameters), and each full collection walks them all again while creating none
    # of the cycles it looks for. It ran for several seconds of a 100,000-row import.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _import_file(source, kind, **options)
    finally:
        if was_enabled:
            gc.enable()


def _import_file(
    source,
    kind: str,
    *,
    cluster: str | None = None,
    apply: bool = False,
    prune: bool = False,
    filename: str | None = None,
    rejects_path: Path | str | None = None,
    user=None,
    progress: bool = False,
) -> ImportReport:
    if isinstance(source, (str, Path)):
        path = Path(source)
        data, filename = path.read_bytes(), filename or path.name
    elif isinstance(source, bytes):
        data, path = source, None
    else:
        data, path = source.read(), None
        filename = filename or getattr(source, "name", "") or "import.csv"
    filename = filename or "import.csv"
    report = ImportReport(kind=kind, source=filename, dry_run=not apply)
    if kind not in COLUMNS:
        report.fatal = _("type d'import inconnu « %(kind)s » (clusters ou members)") % {
            "kind": kind
        }
        return report
    try:
        table = read_table(data, filename)
    except ImportError_ as exc:
        report.fatal = str(exc)
        return report
    columns = map_columns(kind, table.headers)
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in columns]
    if kind == "members" and "siret" not in columns and "siren" not in columns:
        missing.append(_("siret ou siren"))
    if kind == "members" and not cluster and "cluster" not in columns:
        missing.append(_("cluster (ou l'option --cluster)"))
    if missing:
        report.fatal = _("colonnes obligatoires absentes : %(columns)s") % {
            "columns": ", ".join(missing)
        }
        return report
    target = None
    if cluster:
        target = Cluster.objects.filter(slug=cluster).first()
        if target is None:
            report.fatal = _("cluster « %(cluster)s » inconnu") % {"cluster": cluster}
            return report

    report.rows = len(table.rows)
    context = _Context()
    importer = _MembersImport if kind == "members" else _ClustersImport
    job = importer(table, columns, context, report, target=target, progress=progress)
    started = time.perf_counter()
    job.validate()
    report.seconds["vérification"] = time.perf_counter() - started
    started = time.perf_counter()
    # SQLite looks up every foreign key of every inserted row in its parent table
    # (commune, NAF, company, establishment, cluster): a seventh of a 100,000-row
    # import. The rows were checked already (commune and NAF codes against the
    # reference tables, clusters by slug, companies and establishments just written),
    # so a members import turns the checks off around its own transaction, as Django's
    # loaddata does. Inside an outer transaction SQLite ignores the pragma and checks.
    unchecked = apply and kind == "members"
    with connection.constraint_checks_disabled() if unchecked else nullcontext():
        with transaction.atomic():
            job.write(apply=apply, prune=prune)
            if apply:
                AuditEntry.objects.create(
                    user=user,
                    action="import",
                    object_type=kind,
                    object_id=(target.slug if target else "")[:40],
                    cluster=target,
                    changes={
                        "file": filename,
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                        "rejected": report.rejected,
                        "pruned": report.pruned,
                    },
                )
    report.seconds["écriture"] = time.perf_counter() - started
    started = time.perf_counter()
    if apply and (job.touched or job.created_sirens):
        # Bulk writes bypass the signals: index just the companies written; new ones
        # have no document to replace.
        from directory.search_documents import company_documents

        if job.new_documents:
            search.index_many("company", job.new_documents, replace=False)
        elif job.created_sirens:
            search.index_many(
                "company", company_documents(sirens=job.created_sirens), replace=False
            )
        if job.touched:
            search.index_many("company", company_documents(sirens=job.touched))
    report.seconds["index de recherche"] = time.perf_counter() - started
    if job.rejected:
        report.rejected = len(job.rejected)
        if rejects_path is None:
            stem = Path(filename).stem
            suffix = ".xlsx" if table.fmt == "xlsx" else ".csv"
            base = path.parent if path else Path(settings.VAR_DIR) / "imports"
            rejects_path = base / f"{stem}.rejets{suffix}"
        report.rejects_path = write_rejects(table, job.rejected, Path(rejects_path))
    return report


class _BaseImport:
    def __init__(self, table, columns, context, report, *, target=None, progress=False):
        self.table = table
        self.columns = columns
        self.context = context
        self.report = report
        self.target = target
        self.progress = progress
        self.rejected: list[tuple[int, str]] = []
        self.valid: list[dict] = []
        self.touched: list[str] = []  # SIRENs whose search document must be rewritten
        self.created_sirens: list[str] = []  # SIRENs of new companies, to index
        # Their (pk, title, body parts) search documents, when built from memory.
        self.new_documents: list[tuple] = []

    def _bar(self, total, desc):
        unit = " " + _("lignes")
        return tqdm(total=total, desc=desc, unit=unit, disable=not self.progress, leave=False)

    def reject(self, index: int, errors: list[tuple[str, str, str]]) -> None:
        """Record a rejected row; its reasons were translated when they were found."""
        line = self.table.lines[index]
        for column, value, reason in errors:
            self.report.errors.append(RowError(line, column, value, reason))
        # The rejects file's reason column, e.g. "code_naf : format attendu 25.62A".
        where = _("%(column)s : %(reason)s")
        reasons = [where % {"column": c, "reason": r} if c else r for c, _v, r in errors]
        self.rejected.append((index, pgettext("between rejection reasons", " ; ").join(reasons)))


class _MembersImport(_BaseImport):
    COMPANY_FIELDS = ("name", "naf_id", "headcount_band", "commune_id", "website", "email", "offer")
    ESTABLISHMENT_FIELDS = ("name", "naf_id", "headcount_band", "commune_id", "address")

    def validate(self):
        table, ctx = self.table, self.context
        idx = self.columns
        seen: dict[tuple, int] = {}
        self.present_keys: set[tuple[int, str]] = set()  # (cluster pk, siren), rejects too
        naf_loaded = bool(ctx.naf)
        bar = self._bar(len(table.rows), _("Vérification"))
        # Each row's stripped cells go into one dict in C (copy + update over zip);
        # ``get`` is its bound __getitem__: a per-cell Python closure cost more than the
        # checks themselves at 100,000 rows. Absent columns read as "".
        blank = dict.fromkeys((c.name for c in COLUMNS["members"]), "")
        present = list(idx.items())
        names = [name for name, _j in present]
        pick = operator.itemgetter(*[j for _name, j in present])
        width_needed = max(j for _name, j in present) + 1
        strip = str.strip
        for i, raw in enumerate(table.rows):
            if i % 5000 == 0:
                bar.update(min(5000, len(table.rows) - i))
            if len(raw) < width_needed:
                raw = raw + [""] * (width_needed - len(raw))
            cells = blank.copy()
            picked = pick(raw)
            cells.update(
                zip(names, map(strip, picked if len(names) > 1 else (picked,)), strict=True)
            )
            get = cells.__getitem__

            errors = []
            siret = clean_digits(get("siret"))
            siren = clean_digits(get("siren"))
            if siret:
                reason = siret_error(siret)
                if reason:
                    errors.append(("siret", siret, reason))
                elif siren and siren != siret[:9]:
                    errors.append(
                        ("siren", siren, _("ne correspond pas aux 9 premiers chiffres du SIRET"))
                    )
                siren = siren or siret[:9]
            elif siren:
                reason = siren_error(siren)
                if reason:
                    errors.append(("siren", siren, reason))
            else:
                errors.append(("siret", "", _("SIRET ou SIREN obligatoire")))
            name = get("raison_sociale")
            if not name:
                errors.append(("raison_sociale", "", _("raison sociale obligatoire")))
            elif len(name) > 250:
                errors.append(("raison_sociale", name[:40], _("250 caractères au plus")))
            naf = get("code_naf")
            naf_code = ""
            if naf:
                naf_code = normalize_naf(naf)
                if not naf_code:
                    errors.append(("code_naf", naf, _("format attendu 25.62A")))
                elif naf_code not in ctx.naf:
                    errors.append(
                        (
                            "code_naf",
                            naf,
                            _("code NAF absent de la nomenclature")
                            if naf_loaded
                            else _("nomenclature NAF non chargée (mapster reference load)"),
                        )
                    )
            band = get("tranche_effectif").upper()
            if band:
                if band.isdigit() and len(band) == 1:
                    band = "0" + band
                if band not in HEADCOUNT_BANDS:
                    errors.append(
                        ("tranche_effectif", band, _("tranche d'effectif INSEE inconnue"))
                    )
            commune = ctx.commune(get, errors)
            website, err = clean_url(get("site_web"))
            if err:
                errors.append(("site_web", get("site_web"), err))
            email, err = clean_email(get("email"))
            if err:
                errors.append(("email", get("email"), err))
            role = Membership.Role.MEMBER
            if get("role"):
                role = _ROLES.get(normalize_name(get("role")))
                if role is None:
                    errors.append(
                        ("role", get("role"), _("rôle inconnu (adhérent, fondateur, partenaire)"))
                    )
            started, err = clean_date(get("date_adhesion"))
            if err:
                errors.append(("date_adhesion", get("date_adhesion"), err))
            if self.target is not None:
                cluster_pk = self.target.pk
            else:
                slug = get("cluster")
                cluster_pk = ctx.clusters.get(slug)
                if cluster_pk is None:
                    errors.append(
                        (
                            "cluster",
                            slug,
                            _("cluster inconnu") if slug else _("cluster obligatoire"),
                        )
                    )
            if cluster_pk is not None and siren and len(siren) == 9:
                self.present_keys.add((cluster_pk, siren))
            key = (cluster_pk, siret or siren)
            if not errors:
                first = seen.get(key)
                if first is not None:
                    errors.append(
                        (
                            "siret" if siret else "siren",
                            siret or siren,
                            _("doublon de la ligne %(line)s") % {"line": first},
                        )
                    )
                else:
                    seen[key] = table.lines[i]
            if errors:
                self.reject(i, errors)
                continue
            self.valid.append(
                {
                    "line": table.lines[i],
                    "cluster": cluster_pk,
                    "siren": siren,
                    "siret": siret,
                    "name": name,
                    "naf_id": naf_code or None,
                    "headcount_band": band,
                    "commune_id": commune,
                    "address": get("adresse")[:300],
                    "website": website,
                    "email": email,
                    "offer": get("offre"),
                    "role": role if get("role") else None,
                    "started_on": started,
                }
            )
        bar.close()

    @staticmethod
    def _merge(current: dict, incoming: dict, fields) -> dict:
        """Fields whose incoming non-blank value differs from the stored one."""
        return {
            f: incoming[f]
            for f in fields
            if incoming.get(f) not in (None, "") and incoming[f] != current.get(f)
        }

    def write(self, *, apply: bool, prune: bool):
        report = self.report
        rows = self.valid
        source = report.source[:300]
        status = ["unchanged"] * len(rows)

        # Companies: the first row of each SIREN carries company-level values.
        by_siren: dict[str, dict] = {}
        for row in rows:
            by_siren.setdefault(row["siren"], row)
        existing = bulk.values_by_key(
            Company.objects, "siren", by_siren, "pk", *self.COMPANY_FIELDS
        )
        new_companies, changed_companies = [], []
        company_changed = set()
        # validate() leaves text fields "" and foreign keys None when blank, as the
        # columns want them: a new row's values are copied as they are, in C.
        company_values = operator.itemgetter(*self.COMPANY_FIELDS)
        company_extra = {"provenance": Provenance.IMPORT, "provenance_detail": source}
        # Change lines in the active language, looked up once for the whole file.
        added_line = _("+ entreprise %(siren)s %(name)s")
        changed_line = _("~ entreprise %(siren)s : %(fields)s")
        for siren, row in by_siren.items():
            stored = existing.get(siren)
            if stored is None:
                new = dict(zip(self.COMPANY_FIELDS, company_values(row), strict=True), siren=siren)
                new.update(company_extra)
                new_companies.append(new)
                if len(report.changes) < report.MAX_CHANGES:  # skip 100,000 formattings
                    report.change(added_line % {"siren": siren, "name": row["name"]})
                continue
            current = dict(zip(self.COMPANY_FIELDS, stored[1:], strict=True))
            diff = self._merge(current, row, self.COMPANY_FIELDS)
            if diff:
                changed_companies.append({"id": stored[0], **current, **diff})
                company_changed.add(siren)
                if len(report.changes) < report.MAX_CHANGES:
                    report.change(
                        changed_line % {"siren": siren, "fields": ", ".join(sorted(diff))}
                    )
        report.count("entreprises", "créées", len(new_companies))
        report.count("entreprises", "modifiées", len(changed_companies))

        # Establishments, by SIRET.
        by_siret = {row["siret"]: row for row in rows if row["siret"]}
        existing_est = bulk.values_by_key(
            Establishment.objects, "siret", by_siret, "pk", *self.ESTABLISHMENT_FIELDS
        )
        new_est, changed_est = [], []
        est_changed = set()
        for siret, row in by_siret.items():
            stored = existing_est.get(siret)
            if stored is None:
                new_est.append(row)
                continue
            current = dict(zip(self.ESTABLISHMENT_FIELDS, stored[1:], strict=True))
            diff = self._merge(current, row, self.ESTABLISHMENT_FIELDS)
            if diff:
                changed_est.append({"id": stored[0], **current, **diff})
                est_changed.add(siret)
        report.count("établissements", "créés", len(new_est))
        report.count("établissements", "modifiés", len(changed_est))

        # Known companies' keys come from the read above; new ones are read back by
        # primary key above the last one before the INSERT (a dry run has none).
        company_ids = {siren: stored[0] for siren, stored in existing.items()}
        if apply:
            last = bulk.last_pk(Company)
            bulk.insert_rows(Company, new_companies)
            bulk.update(Company, changed_companies, self.COMPANY_FIELDS)
            self.created_sirens = [c["siren"] for c in new_companies]
            self.touched = sorted(company_changed)
            if new_companies:
                added = bulk.keys_after(Company, "siren", last)
                company_ids.update((c["siren"], added[c["siren"]]) for c in new_companies)
        if apply and new_companies:
            # New companies' search documents come from the values just written rather
            # than a second read of the table (same fields as company_documents).
            naf_labels = dict(NafCode.objects.values_list("code", "label"))
            commune_names = dict(Commune.objects.values_list("code", "name"))
            self.new_documents = [
                (
                    company_ids[c["siren"]],
                    _join(c["name"], c["siren"]),
                    (
                        naf_labels.get(c["naf_id"], "") if c["naf_id"] else "",
                        commune_names.get(c["commune_id"], "") if c["commune_id"] else "",
                        c["offer"],
                    ),
                )
                for c in new_companies
            ]
        est_ids = {siret: stored[0] for siret, stored in existing_est.items()}
        if apply:
            last = bulk.last_pk(Establishment)
            est_values = operator.itemgetter("siret", *self.ESTABLISHMENT_FIELDS)
            est_columns = ("siret", *self.ESTABLISHMENT_FIELDS)
            new_rows = []
            for row in new_est:
                new = dict(zip(est_columns, est_values(row), strict=True))
                new["company_id"] = company_ids[row["siren"]]
                new.update(company_extra)
                new_rows.append(new)
            bulk.insert_rows(Establishment, new_rows)
            bulk.update(Establishment, changed_est, self.ESTABLISHMENT_FIELDS)
            if new_est:
                added = bulk.keys_after(Establishment, "siret", last)
                est_ids.update((row["siret"], added[row["siret"]]) for row in new_est)

        # Memberships, by (cluster, company).
        clusters = {row["cluster"] for row in rows} | {c for c, _s in self.present_keys}
        existing_m = {}
        for cluster_pk in clusters:
            qs = Membership.objects.filter(cluster_id=cluster_pk).values_list(
                "pk", "company__siren", "role", "started_on", "establishment_id"
            )
            for pk, siren, role, started, est in qs.iterator(chunk_size=10_000):
                existing_m[(cluster_pk, siren)] = (pk, role, started, est)
        new_m, changed_m = [], []
        handled = set()
        for n, row in enumerate(rows):
            key = (row["cluster"], row["siren"])
            stored = existing_m.get(key)
            est_id = est_ids.get(row["siret"]) if row["siret"] else None
            if key in handled:
                pass
            elif stored is None:
                handled.add(key)
                new_m.append(
                    dict(
                        cluster_id=row["cluster"],
                        company_id=company_ids.get(row["siren"]),
                        establishment_id=est_id,
                        role=row["role"] or Membership.Role.MEMBER,
                        started_on=row["started_on"],
                        provenance=Provenance.IMPORT,
                        provenance_detail=source,
                    )
                )
                status[n] = "created"
            else:
                handled.add(key)
                pk, role, started, est = stored
                wanted = (
                    row["role"] or role,
                    row["started_on"] or started,
                    est or est_id,
                )
                if wanted != (role, started, est):
                    changed_m.append(
                        dict(
                            id=pk, role=wanted[0], started_on=wanted[1], establishment_id=wanted[2]
                        )
                    )
                    status[n] = "updated"
            if status[n] == "unchanged":
                if row["siren"] not in existing or (
                    row["siret"] and row["siret"] not in existing_est
                ):
                    status[n] = "created"
                elif row["siren"] in company_changed or row["siret"] in est_changed:
                    status[n] = "updated"
        report.count("adhésions", "créées", len(new_m))
        report.count("adhésions", "modifiées", len(changed_m))
        if apply:
            bulk.insert_rows(Membership, new_m)
            bulk.update(Membership, changed_m, ("role", "started_on", "establishment_id"))

        counts = Counter(status)
        report.created, report.updated, report.unchanged = (
            counts["created"],
            counts["updated"],
            counts["unchanged"],
        )

        if prune:
            gone = [
                (pk, key)
                for key, (pk, *_rest) in existing_m.items()
                if key not in self.present_keys
            ]
            leaving = _("adhésion de %(siren)s au cluster %(cluster)s")
            report.to_prune = [
                leaving % {"siren": siren, "cluster": c} for (_pk, (c, siren)) in gone
            ]
            for line in report.to_prune[: report.MAX_CHANGES]:
                report.change("- " + line)
            if apply:
                report.pruned = bulk.delete_ids(Membership, [pk for pk, _k in gone])
            report.count("adhésions", "retirées" if apply else "à retirer", len(gone))


class _ClustersImport(_BaseImport):
    FIELDS = (
        "name",
        "acronym",
        "kind",
        "siren",
        "commune_id",
        "address",
        "website",
        "main_filiere_id",
        "labels",
        "description",
        "declared_members",
    )

    def validate(self):
        ctx, table, idx = self.context, self.table, self.columns
        seen = {}
        self.present_slugs = set()
        for i, raw in enumerate(table.rows):

            def get(name, _raw=raw):
                j = idx.get(name)
                return _raw[j].strip() if j is not None and j < len(_raw) else ""

            errors = []
            name = get("nom")
            if not name:
                errors.append(("nom", "", _("nom obligatoire")))
            slug = slugify(get("identifiant") or name)[:120]
            if slug:
                self.present_slugs.add(slug)
            kind = Cluster.Kind.CLUSTER
            if get("type"):
                kind = _CLUSTER_KINDS.get(normalize_name(get("type")))
                if kind is None:
                    errors.append(("type", get("type"), _("type inconnu")))
            siren = clean_digits(get("siren"))
            if siren:
                reason = siren_error(siren)
                if reason:
                    errors.append(("siren", siren, reason))
            commune = ctx.commune(get, errors)
            website, err = clean_url(get("site_web"))
            if err:
                errors.append(("site_web", get("site_web"), err))
            filiere = None
            if get("filiere"):
                filiere = ctx.filieres.get(normalize_name(get("filiere")))
                if filiere is None:
                    errors.append(("filiere", get("filiere"), _("filière inconnue")))
            labels = [c.strip() for c in re.split(r"[|;,]", get("labels")) if c.strip()]
            unknown = [c for c in labels if c not in LABELS]
            if unknown:
                errors.append(("labels", ", ".join(unknown), _("label inconnu")))
            declared = None
            if get("adherents_declares"):
                if get("adherents_declares").isdigit():
                    declared = int(get("adherents_declares"))
                else:
                    errors.append(
                        (
                            "adherents_declares",
                            get("adherents_declares"),
                            _("nombre entier attendu"),
                        )
                    )
            contact_email, err = clean_email(get("contact_email"))
            if err:
                errors.append(("contact_email", get("contact_email"), err))
            if contact_email and not get("contact_nom"):
                errors.append(("contact_nom", "", _("nom du contact obligatoire avec son e-mail")))
            if not errors:
                if slug in seen:
                    errors.append(
                        ("nom", name, _("doublon de la ligne %(line)s") % {"line": seen[slug]})
                    )
                else:
                    seen[slug] = table.lines[i]
            if errors:
                self.reject(i, errors)
                continue
            self.valid.append(
                {
                    "slug": slug,
                    "name": name[:200],
                    "acronym": get("sigle")[:40],
                    "kind": kind,
                    "siren": siren,
                    "commune_id": commune,
                    "address": get("adresse")[:300],
                    "website": website,
                    "main_filiere_id": filiere,
                    "labels": labels,
                    "description": get("description"),
                    "declared_members": declared,
                    "contact": {
                        "name": get("contact_nom")[:200],
                        "role": get("contact_fonction")[:200],
                        "email": contact_email,
                        "phone": get("contact_telephone")[:30],
                    },
                }
            )

    def write(self, *, apply: bool, prune: bool):
        report = self.report
        existing = {c.slug: c for c in Cluster.objects.all()}
        by_siren = {c.siren: c for c in existing.values() if c.siren}
        regions = dict(Commune.objects.values_list("code", "region_id"))
        added_line = _("+ cluster %(slug)s %(name)s")
        changed_line = _("~ cluster %(slug)s : %(fields)s")
        for row in self.valid:
            cluster = (by_siren.get(row["siren"]) if row["siren"] else None) or existing.get(
                row["slug"]
            )
            if cluster is None:
                report.created += 1
                report.count("clusters", "créés")
                report.change(added_line % {"slug": row["slug"], "name": row["name"]})
                if not apply:
                    continue
                cluster = Cluster(slug=row["slug"], provenance=Provenance.IMPORT)
                cluster.provenance_detail = report.source[:300]
                diff = {f: row[f] for f in self.FIELDS if row[f] not in (None, "", [])}
            else:
                current = {f: getattr(cluster, f) for f in self.FIELDS}
                diff = {
                    f: row[f]
                    for f in self.FIELDS
                    if row[f] not in (None, "", []) and row[f] != current[f]
                }
                contact_new = (
                    row["contact"]["name"]
                    and not cluster.contacts.filter(name=row["contact"]["name"]).exists()
                )
                if not diff and not contact_new:
                    report.unchanged += 1
                    continue
                report.updated += 1
                report.count("clusters", "modifiés")
                fields = ", ".join(sorted(diff) or ["contact"])
                report.change(changed_line % {"slug": cluster.slug, "fields": fields})
                if not apply:
                    continue
            for name, value in diff.items():
                setattr(cluster, name, value)
            cluster.save()
            if cluster.main_filiere_id:
                cluster.filieres.add(cluster.main_filiere_id)
            if cluster.commune_id and regions.get(cluster.commune_id):
                cluster.regions.add(regions[cluster.commune_id])
            contact = row["contact"]
            if contact["name"]:
                Contact.objects.update_or_create(
                    cluster=cluster,
                    name=contact["name"],
                    defaults={k: v for k, v in contact.items() if v and k != "name"},
                )
        if prune:
            gone = [
                c
                for slug, c in existing.items()
                if slug not in self.present_slugs and c.provenance == Provenance.IMPORT
            ]
            leaving = _("cluster %(slug)s")
            report.to_prune = [leaving % {"slug": c.slug} for c in gone]
            for line in report.to_prune[: report.MAX_CHANGES]:
                report.change("- " + line)
            if apply:
                report.pruned = bulk.delete_ids(Cluster, [c.pk for c in gone])
