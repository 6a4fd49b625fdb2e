"""`mapster reference load`: the French reference geography, NAF and filières.

Two phases. `read_bundle` reads and validates every input into plain dicts and
raises `ReferenceDataError` on the first problem, before anything is written.
`load` then compares those rows with the database and, in one transaction,
writes only the differences with bulk operations. A second run over the same
bundle changes nothing.

A commune that disappears in a new vintage is not cascaded away: it becomes a
former code of its successor, and every foreign key pointing at it is moved to
that successor before it is deleted.
"""

import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from activities.naf import read_naf
from core.text import normalize_name, slug_key
from territories.lookups import RegionIndex
from territories.reading import (
    ReferenceDataError,
    parse_coordinate,
    read_csv_rows,
    read_geojson,
    read_json_records,
    require_file,
    sha256_of,
)
from territories.sources import SOURCES
from territories.sync import TableChange, apply_deletes, apply_writes, plan, sync_pairs

APP_DIR = Path(settings.BASE_DIR)
LOADED_ZONES = ("metro", "drom")

__all__ = ["LoadReport", "ReferenceDataError", "load", "read_bundle", "reference_dir"]


def reference_dir(path=None) -> Path:
    # The environment is read again because the test suite sets its default
    # after settings were imported.
    value = path or settings.MAPSTER_REFERENCE_DIR or os.environ.get("MAPSTER_REFERENCE_DIR")
    if not value:
        raise ReferenceDataError(
            None,
            "MAPSTER_REFERENCE_DIR is not set: point it at the French reference bundle "
            "(../shared/reference on a developer machine), see docs/reference-data.md.",
        )
    folder = Path(value)
    if not folder.is_dir():
        raise ReferenceDataError(folder, "MAPSTER_REFERENCE_DIR is not a folder")
    return folder


def cog_dir(path=None) -> Path:
    return Path(path or APP_DIR / "node_modules" / "@etalab" / "decoupage-administratif" / "data")


def naf_dir(path=None) -> Path:
    return Path(path or APP_DIR / "node_modules" / "@socialgouv" / "codes-naf")


@dataclass
class Bundle:
    """Every row the database should hold, as {primary key: {attname: value}}."""

    sources: dict = field(default_factory=dict)
    regions: dict = field(default_factory=dict)
    departements: dict = field(default_factory=dict)
    zones: dict = field(default_factory=dict)
    epcis: dict = field(default_factory=dict)
    communes: dict = field(default_factory=dict)
    former: dict = field(default_factory=dict)
    postal: set = field(default_factory=set)
    territoires: dict = field(default_factory=dict)
    ti_departements: set = field(default_factory=set)  # (slug, code)
    ti_communes: set = field(default_factory=set)
    ti_epcis: set = field(default_factory=set)
    filieres: dict = field(default_factory=dict)
    naf: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    # The départements a filtered load covers: rows of other départements are kept.
    scope: frozenset = frozenset()


@dataclass
class LoadReport:
    tables: dict = field(default_factory=dict)  # label -> TableChange
    warnings: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)  # step -> seconds

    def table(self, label: str) -> TableChange:
        return self.tables.setdefault(label, TableChange())

    @property
    def changes(self) -> int:
        return sum(t.total for t in self.tables.values())

    def summary_lines(self) -> list[str]:
        lines = [f"{'table':<28} {'created':>8} {'updated':>8} {'deleted':>8}"]
        for label, t in self.tables.items():
            lines.append(f"{label:<28} {t.created:>8} {t.updated:>8} {t.deleted:>8}")
        lines.append(f"{self.changes} changes")
        return lines


# --- Reading -----------------------------------------------------------------


def _paths(ref: Path, cog: Path, naf: Path) -> dict[str, Path]:
    roots = {"reference": ref, "cog": cog, "naf": naf, "app": APP_DIR}
    return {s.key: roots[s.where] / s.filename for s in SOURCES}


def _read_sources(paths: dict[str, Path]) -> dict:
    out = {}
    for spec in SOURCES:
        path = require_file(paths[spec.key])
        out[spec.key] = {
            "name": spec.name,
            "url": spec.url,
            "licence": spec.licence,
            "licence_url": spec.licence_url,
            "vintage": spec.vintage,
            "attribution": spec.attribution,
            "notes": spec.notes,
            "checksum": sha256_of(path),
        }
    return out


def _read_regions_and_departements(b: Bundle, paths: dict) -> None:
    regions = read_json_records(paths["cog-regions"], ("code", "nom", "zone"))
    shapes = read_geojson(paths["regions-geojson"])
    for r in regions:
        if r["zone"] not in LOADED_ZONES:
            continue
        b.regions[r["code"]] = {
            "name": r["nom"],
            "slug": slug_key(r["nom"]),
            "zone": r["zone"],
            "chef_lieu": r.get("chefLieu") or "",
            "geometry": shapes.get(r["code"]),
        }
    unknown = set(shapes) - set(b.regions)
    if unknown:
        raise ReferenceDataError(
            paths["regions-geojson"], f"feature codes {sorted(unknown)} are not régions"
        )
    deps = read_json_records(paths["cog-departements"], ("code", "nom", "region", "zone"))
    shapes = read_geojson(paths["departements-geojson"])
    for d in deps:
        if d["zone"] not in LOADED_ZONES:
            continue
        if d["region"] not in b.regions:
            raise ReferenceDataError(
                paths["cog-departements"],
                f"département {d['code']}: région {d['region']!r} is not in regions.json",
            )
        b.departements[d["code"]] = {
            "name": d["nom"],
            "slug": slug_key(d["nom"]),
            "region_id": d["region"],
            "zone": d["zone"],
            "chef_lieu": d.get("chefLieu") or "",
            "geometry": shapes.get(d["code"]),
        }
    unknown = set(shapes) - set(b.departements)
    if unknown:
        raise ReferenceDataError(
            paths["departements-geojson"], f"feature codes {sorted(unknown)} are not départements"
        )


def _read_zones(b: Bundle, paths: dict) -> dict[str, str]:
    labels = read_csv_rows(paths["zones-emploi-libelles"], ("ze2020", "libelle"))
    for row in labels:
        b.zones[row["ze2020"]] = {"name": row["libelle"]}
    by_commune = {}
    path = paths["zones-emploi"]
    for line, row in enumerate(read_csv_rows(path, ("code_insee", "ze2020")), start=2):
        if row["ze2020"] not in b.zones:
            raise ReferenceDataError(
                path,
                f"line {line}: zone d'emploi {row['ze2020']!r} is not in zones-emploi-libelles.csv",
            )
        by_commune[row["code_insee"]] = row["ze2020"]
    return by_commune


def _read_centres(paths: dict) -> dict[str, tuple]:
    path = paths["communes-centres"]
    out = {}
    for line, row in enumerate(
        read_csv_rows(path, ("code_insee", "lat", "lon", "method")), start=2
    ):
        lat = parse_coordinate(path, line, "lat", row["lat"].strip(), 90)
        lon = parse_coordinate(path, line, "lon", row["lon"].strip(), 180)
        if (lat is None) != (lon is None):
            raise ReferenceDataError(path, f"line {line}: lat and lon must both be set or empty")
        out[row["code_insee"]] = (lat, lon, row["method"])
    return out


def _read_programmes(paths: dict) -> dict[str, dict]:
    rows = read_csv_rows(paths["communes-programmes-anct"], ("code_insee",))
    return {
        row["code_insee"]: {k: v for k, v in row.items() if k != "code_insee" and v != ""}
        for row in rows
    }


def _read_communes(b: Bundle, paths: dict, departements, zone_by_code, centres, programmes):
    path = paths["cog-communes"]
    records = read_json_records(path, ("code", "nom", "type", "departement", "region"))
    actual = {}
    arrondissements = []
    delegated = []
    for r in records:
        kind = r["type"]
        if kind == "commune-actuelle":
            if r["departement"] in b.departements:
                actual[r["code"]] = r
        elif kind == "arrondissement-municipal":
            arrondissements.append(r)
        elif kind in ("commune-deleguee", "commune-associee"):
            delegated.append(r)
    if not actual:
        raise ReferenceDataError(path, "no 'commune-actuelle' rows in metro or DROM")

    # Former codes: délégués/associées first (their chefLieu is the most recent
    # fact), then anciensCodes, then the 2018 predecessors of merged communes.
    former: dict[str, dict] = {}
    conflicts = 0

    def add_former(old, current, name=""):
        nonlocal conflicts
        if not old or old == current or old in actual or current not in actual:
            return
        if old in former:
            if former[old]["commune_id"] != current:
                conflicts += 1
            elif name and not former[old]["name"]:
                former[old]["name"] = name
            return
        former[old] = {"commune_id": current, "name": name}

    for r in delegated:
        if not r.get("chefLieu"):
            raise ReferenceDataError(path, f"{r['type']} {r['code']}: missing field 'chefLieu'")
        add_former(r["code"], r["chefLieu"], r["nom"])
    for r in actual.values():
        for old in r.get("anciensCodes") or []:
            add_former(old, r["code"])
    pred_path = paths["communes-centres-predecesseurs"]
    for row in read_csv_rows(pred_path, ("code_insee", "code_2018", "nom_2018")):
        add_former(row["code_2018"], row["code_insee"], row["nom_2018"])
    if conflicts:
        b.warnings.append(f"{conflicts} former codes claimed by two communes: first source kept")

    epci_of = {}
    epci_path = paths["cog-epci"]
    for e in read_json_records(epci_path, ("code", "nom", "type", "membres")):
        if not isinstance(e["membres"], list):
            raise ReferenceDataError(epci_path, f"EPCI {e['code']}: 'membres' must be a list")
        members = [m.get("code") for m in e["membres"] if isinstance(m, dict)]
        if any(not m for m in members):
            raise ReferenceDataError(epci_path, f"EPCI {e['code']}: member without a 'code'")
        loaded = [m for m in members if m in actual]
        for m in loaded:
            epci_of[m] = e["code"]
        if loaded and (
            not departements or any(actual[m]["departement"] in departements for m in loaded)
        ):
            b.epcis[e["code"]] = {
                "name": e["nom"],
                "kind": e["type"],
                "population": e.get("populationMunicipale") or e.get("populationTotale"),
            }

    # Zones d'emploi are on the 2024 COG: a commune created since takes the zone
    # its predecessors had (the most common one when they differ).
    predecessors: dict[str, list[str]] = {}
    for old, row in former.items():
        predecessors.setdefault(row["commune_id"], []).append(old)

    def zone_for(code):
        if code in zone_by_code:
            return zone_by_code[code]
        zones = Counter(zone_by_code[p] for p in predecessors.get(code, []) if p in zone_by_code)
        return sorted(zones.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if zones else None

    def commune_row(r, kind, city=None):
        lat, lon, method = centres.get(r["code"], (None, None, ""))
        return {
            "name": r["nom"],
            "name_key": normalize_name(r["nom"]),
            "kind": kind,
            "city_id": city,
            "departement_id": r["departement"],
            "region_id": r["region"],
            "epci_id": epci_of.get(city or r["code"]),
            "zone_emploi_id": zone_for(city or r["code"]),
            "population": r.get("population"),
            "postal_codes": list(r.get("codesPostaux") or []),
            "lat": lat,
            "lon": lon,
            "centre_method": method,
            "programmes": programmes.get(city or r["code"], {}),
        }

    for code, r in actual.items():
        if r["region"] not in b.regions:
            raise ReferenceDataError(path, f"commune {code}: unknown région {r['region']!r}")
        if departements and r["departement"] not in departements:
            continue
        b.communes[code] = commune_row(r, "commune")
    for r in arrondissements:
        city = r.get("commune")
        if city not in actual:
            raise ReferenceDataError(
                path, f"arrondissement-municipal {r['code']}: field 'commune' must name a commune"
            )
        if city in b.communes:
            row = commune_row(r, "arrondissement", city)
            # Programmes are listed for the whole city, not per arrondissement.
            row["programmes"] = {}
            b.communes[r["code"]] = row
    b.former = {k: v for k, v in former.items() if v["commune_id"] in b.communes}
    for code, row in b.communes.items():
        if row["epci_id"] not in b.epcis:
            row["epci_id"] = None
        for pc in row["postal_codes"]:
            b.postal.add((pc, code))
    placed = sum(1 for code in actual if centres.get(code, (None,))[0] is not None)
    if placed / len(actual) < 0.9:
        raise ReferenceDataError(
            paths["communes-centres"],
            f"only {placed} of {len(actual)} communes have a centre: wrong file?",
        )


def _codes(value: str) -> list[str]:
    return [c for c in re.split(r"[\s,;]+", value) if c]


def _read_territoires(b: Bundle, paths: dict) -> None:
    path = paths["territoires-industrie"]
    rows = read_csv_rows(
        path, ("nom", "region", "generation", "liste", "departements", "communes", "source_url")
    )
    regions = RegionIndex({code: r["name"] for code, r in b.regions.items()})
    generations = {"2018-2022", "2023-2027"}
    for line, row in enumerate(rows, start=2):
        if row["generation"] not in generations:
            raise ReferenceDataError(
                path,
                f"line {line}: generation {row['generation']!r}, expected one of "
                f"{sorted(generations)}",
            )
        slug = slug_key(f"{row['nom']} {row['generation']}")
        if slug in b.territoires:
            raise ReferenceDataError(path, f"line {line}: {row['nom']!r} appears twice")
        match = regions.resolve(row["region"])
        if row["region"] and len(match.codes) != 1:
            raise ReferenceDataError(
                path, f"line {line}: région {row['region']!r} is not one région name"
            )
        b.territoires[slug] = {
            "name": row["nom"],
            "generation": row["generation"],
            "region_id": match.codes[0] if match.codes else None,
            "list_label": row["liste"],
            "source_url": row["source_url"],
            "notes": row.get("notes") or "",
        }
        for dep in _codes(row["departements"]):
            if dep not in b.departements:
                raise ReferenceDataError(path, f"line {line}: unknown département {dep!r}")
            b.ti_departements.add((slug, dep))
        for code in _codes(row["communes"]):
            code = b.former[code]["commune_id"] if code in b.former else code
            if code in b.communes:
                b.ti_communes.add((slug, code))
                epci = b.communes[code]["epci_id"]
                if epci:
                    b.ti_epcis.add((slug, epci))


def read_bundle(ref=None, cog=None, naf=None, departements=None) -> Bundle:
    """Read and validate every input; raise ReferenceDataError before any write."""

    paths = _paths(reference_dir(ref), cog_dir(cog), naf_dir(naf))
    departements = set(departements or ())
    b = Bundle(scope=frozenset(departements))
    b.sources = _read_sources(paths)
    _read_regions_and_departements(b, paths)
    unknown = departements - set(b.departements)
    if unknown:
        raise ReferenceDataError(None, f"unknown département filter {sorted(unknown)}")
    zone_by_code = _read_zones(b, paths)
    centres = _read_centres(paths)
    programmes = _read_programmes(paths)
    _read_communes(b, paths, departements, zone_by_code, centres, programmes)
    _read_territoires(b, paths)
    b.filieres, b.naf = read_naf(paths)
    return b


# --- Writing -----------------------------------------------------------------


def _repoint(vanished: dict[str, str], report: LoadReport) -> None:
    """Move every reference to a vanished commune onto its successor."""

    from territories.models import Commune, FormerCommuneCode, PostalCode

    own = {FormerCommuneCode, PostalCode, Commune}
    for rel in Commune._meta.related_objects:
        if rel.related_model in own:
            continue
        if rel.many_to_many:
            through = rel.through
            src = next(
                f.attname
                for f in through._meta.concrete_fields
                if f.is_relation and f.related_model is not Commune
            )
            dst = next(
                f.attname
                for f in through._meta.concrete_fields
                if f.is_relation and f.related_model is Commune
            )
            for old, new in vanished.items():
                rows = through.objects.filter(**{dst: old})
                have = set(through.objects.filter(**{dst: new}).values_list(src, flat=True))
                rows.filter(**{f"{src}__in": have}).delete()
                rows.update(**{dst: new})
        elif isinstance(rel.field, models.ForeignKey):
            name = rel.field.name
            for old, new in vanished.items():
                moved = rel.related_model.objects.filter(**{name: old}).update(**{name: new})
                if moved:
                    report.table("repointed references").updated += moved


def _write(b: Bundle, report: LoadReport, progress: bool) -> None:
    from activities.models import Filiere, NafCode
    from territories.models import (
        EPCI,
        Commune,
        Departement,
        FormerCommuneCode,
        PostalCode,
        Region,
        Source,
        TerritoireIndustrie,
        ZoneEmploi,
    )

    def fields_of(desired):
        return list(next(iter(desired.values())).keys()) if desired else []

    # Sources: loaded_at moves only when the file changed.
    sources = {key: {**row, "loaded_at": None} for key, row in b.sources.items()}
    source_plan = plan(Source, sources, fields_of(b.sources))
    now = timezone.now()
    for key in list(source_plan.create) + list(source_plan.update):
        sources[key]["loaded_at"] = now
    source_plan.update = {k: [*v, "loaded_at"] for k, v in source_plan.update.items()}
    apply_writes(source_plan, report.table("sources"), progress, "sources")

    steps = [
        ("régions", Region, b.regions),
        ("départements", Departement, b.departements),
        ("zones d'emploi", ZoneEmploi, b.zones),
        ("EPCI", EPCI, b.epcis),
    ]
    plans = {}
    for label, model, desired in steps:
        plans[label] = plan(model, desired, fields_of(desired))
        apply_writes(plans[label], report.table(label), progress, label)

    scoped = Commune.objects.filter(departement__in=b.scope) if b.scope else None
    commune_plan = plan(Commune, b.communes, fields_of(b.communes), queryset=scoped)
    # Cities before their arrondissements.
    apply_writes(
        commune_plan,
        report.table("communes"),
        progress,
        "communes",
        order=lambda code: (b.communes[code]["kind"] != "commune", code),
    )
    scoped = FormerCommuneCode.objects.filter(commune__departement__in=b.scope) if b.scope else None
    former_plan = plan(FormerCommuneCode, b.former, fields_of(b.former), queryset=scoped)
    apply_writes(former_plan, report.table("former commune codes"), progress, "former codes")
    apply_deletes(former_plan, report.table("former commune codes"))

    vanished = commune_plan.delete
    if vanished:
        successors = {c: b.former[c]["commune_id"] for c in vanished if c in b.former}
        _repoint(successors, report)
        orphans = sorted(set(vanished) - set(successors))
        if orphans:
            report.warnings.append(
                f"{len(orphans)} communes disappeared without a successor: {orphans[:10]}"
            )
    in_scope = {"commune__departement__in": b.scope} if b.scope else None
    sync_pairs(PostalCode, "code", "commune_id", b.postal, report.table("postal codes"), in_scope)
    # Arrondissements before cities, then the tables communes point at.
    commune_plan.delete = sorted(vanished, key=lambda c: (len(c), c), reverse=True)
    apply_deletes(commune_plan, report.table("communes"))
    if b.scope:
        plans["EPCI"].delete = []  # EPCI of other départements are out of scope
    for label in reversed([s[0] for s in steps]):
        apply_deletes(plans[label], report.table(label))

    _write_by_slug(
        TerritoireIndustrie,
        b.territoires,
        fields_of(b.territoires),
        report.table("territoires d'industrie"),
    )
    ids = dict(TerritoireIndustrie.objects.values_list("slug", "pk"))
    # A filtered load sees only part of each TI's communes, so it cannot tell
    # which member EPCI are gone: it only adds them.
    for attr, pairs, label, scope, delete in (
        ("departements", b.ti_departements, "TI départements", None, True),
        ("communes", b.ti_communes, "TI communes", in_scope, True),
        ("epcis", b.ti_epcis, "TI EPCI", None, not b.scope),
    ):
        through = getattr(TerritoireIndustrie, attr).through
        target = next(
            f.attname
            for f in through._meta.concrete_fields
            if f.is_relation and f.related_model is not TerritoireIndustrie
        )
        wanted = {(ids[slug], code) for slug, code in pairs}
        sync_pairs(
            through,
            "territoireindustrie_id",
            target,
            wanted,
            report.table(label),
            scope,
            delete,
            progress=progress,
            label=label,
        )

    filiere_plan = plan(Filiere, b.filieres, fields_of(b.filieres))
    apply_writes(filiere_plan, report.table("filières"), progress, "filières")
    naf_plan = plan(NafCode, b.naf, fields_of(b.naf))
    apply_writes(
        naf_plan,
        report.table("NAF codes"),
        progress,
        "NAF",
        order=lambda code: (b.naf[code]["level"], code),
    )
    naf_plan.delete = sorted(naf_plan.delete, key=len, reverse=True)
    apply_deletes(naf_plan, report.table("NAF codes"))
    apply_deletes(filiere_plan, report.table("filières"))
    apply_deletes(source_plan, report.table("sources"))


def _write_by_slug(model, desired: dict, fields: list, change: TableChange) -> None:
    """Territoires d'industrie have a surrogate key: their natural key is the slug."""

    existing = {row["slug"]: row for row in model.objects.values("pk", "slug", *fields).order_by()}
    create, update = [], []
    for slug, values in desired.items():
        row = existing.get(slug)
        if row is None:
            create.append(model(slug=slug, **values))
        elif any(row[f] != values[f] for f in fields):
            update.append(model(pk=row["pk"], slug=slug, **values))
    model.objects.bulk_create(create, batch_size=500)
    if update:
        names = [f.removesuffix("_id") for f in fields]
        model.objects.bulk_update(update, names, batch_size=500)
    gone = [row["pk"] for slug, row in existing.items() if slug not in desired]
    model.objects.filter(pk__in=gone).delete()
    change.created += len(create)
    change.updated += len(update)
    change.deleted += len(gone)


def load(
    ref=None, cog=None, naf=None, departements=None, progress: bool = False, bundle=None
) -> LoadReport:
    """Load the reference data; the database is left untouched on any error."""

    report = LoadReport()
    started = time.perf_counter()
    if bundle is None:
        bundle = read_bundle(ref, cog, naf, departements)
    report.seconds["read"] = time.perf_counter() - started
    report.warnings.extend(bundle.warnings)
    started = time.perf_counter()
    with transaction.atomic():
        _write(bundle, report, progress)
    report.seconds["write"] = time.perf_counter() - started
    return report
