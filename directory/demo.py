"""A generated demo network: clusters, member companies, establishments, contacts.

Everything it writes has ``is_demo=True`` and provenance ``demo``; cluster names end
with "(démo)" and are built from a theme and a real territory, so none is the name of
a real cluster. Companies sit in real communes (drawn by population around their
cluster), carry real NAF sub-classes of their cluster's filière, and have SIRENs that
start with ``000``: a range INSEE has not attributed, which also makes demo records
easy to spot. SIREN and SIRET keys are valid (Luhn), so imports and SIRENE checks treat
them like real ones. Rows are written in bulk; the search index is rebuilt at the end.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils.text import slugify
from tqdm import tqdm

from activities.models import Filiere, NafCode
from core import search
from core.text import slug_key
from directory import bulk
from directory.demo_data import (
    CLUSTER_DESCRIPTIONS,
    CLUSTER_PREFIXES,
    COMPANY_PATTERNS,
    FILIERES,
    FIRST_NAMES,
    HEADCOUNT_WEIGHTS,
    LEGAL_FORMS,
    ROLES,
    SURNAMES,
)
from directory.identifiers import luhn_complete
from directory.models import Cluster, Company, Contact, Establishment, Membership, Provenance
from territories.models import Commune

DEMO_SIREN_PREFIX = "000"
MAX_COMPANIES = 99_999  # "000" + 5 digits + key
STREETS = ["de la République", "Pasteur", "Jean Jaurès", "des Artisans", "de l'Industrie"]
DEMO_DETAIL = "réseau de démonstration généré (mapster demo)"


class DemoError(Exception):
    pass


@dataclass
class DemoReport:
    clusters: int = 0
    companies: int = 0
    establishments: int = 0
    memberships: int = 0
    contacts: int = 0
    removed: int = 0
    skipped: bool = False
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        if self.skipped:
            return "Des données de démonstration existent déjà : rien à faire (--if-empty)."
        return (
            f"Réseau de démonstration : {self.clusters} clusters, {self.companies} entreprises, "
            f"{self.establishments} établissements, {self.memberships} adhésions, "
            f"{self.contacts} contacts, en {self.seconds:.1f} s."
        )


def demo_siren(n: int) -> str:
    if not 1 <= n <= MAX_COMPANIES:
        raise DemoError(f"at most {MAX_COMPANIES} demo companies")
    return luhn_complete(f"{DEMO_SIREN_PREFIX}{n:05d}")


def demo_siret(siren: str, nic: int) -> str:
    return luhn_complete(f"{siren}{nic:04d}")


def has_demo() -> bool:
    return (
        Cluster.objects.filter(is_demo=True).exists()
        or Company.objects.filter(is_demo=True).exists()
    )


def clear_demo() -> int:
    """Remove every demo record, in bulk (raw deletes: no per-row cascade collection)."""
    removed = 0
    demo_clusters = Cluster.objects.filter(is_demo=True)
    for qs in (
        Membership.objects.filter(is_demo=True),
        Membership.objects.filter(cluster__is_demo=True),
        Membership.objects.filter(company__is_demo=True),
        Contact.objects.filter(cluster__in=demo_clusters),
        Establishment.objects.filter(company__is_demo=True),
        Establishment.objects.filter(is_demo=True),
        Cluster.filieres.through.objects.filter(cluster__is_demo=True),
        Cluster.regions.through.objects.filter(cluster__is_demo=True),
        Company.objects.filter(is_demo=True),
        demo_clusters,
    ):
        # _raw_delete skips signals and cascades; every dependant is deleted above.
        removed += qs.order_by()._raw_delete(qs.db) or 0
    return removed


class _Sampler:
    """Weighted draws over a fixed population, O(log n) each."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1] if self.cum else 0

    def __bool__(self):
        return bool(self.items) and self.total > 0

    def draw(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def ensure_filieres() -> dict[str, Filiere]:
    """The seed report's filières by name, created when the reference is not loaded."""
    filieres = {}
    for position, (name, _themes, _nafs, _offers) in enumerate(FILIERES, start=1):
        filieres[name], _ = Filiere.objects.get_or_create(
            slug=slug_key(name), defaults={"name": name, "position": position}
        )
    return filieres


def _naf_by_filiere(filieres: dict[str, Filiere]) -> dict[str, list[tuple[str, str]]]:
    """NAF sub-classes to draw from, per filière name.

    With the NAF reference loaded, the loaded filière mapping is the authority: the
    curated typical codes that it assigns to the filière, or else all of its codes.
    Without it, the curated codes are created so that the demo still runs.
    """
    loaded = defaultdict(list)
    rows = NafCode.objects.filter(level=NafCode.Level.SUBCLASS, filiere__isnull=False)
    for code, label, filiere in rows.values_list("code", "label", "filiere_id"):
        loaded[filiere].append((code, label))
    result = {}
    for name, _themes, nafs, _offers in FILIERES:
        slug = filieres[name].slug
        if loaded:
            curated = {code for code, _label in nafs}
            result[name] = [c for c in loaded[slug] if c[0] in curated] or loaded[slug] or nafs
        else:
            result[name] = nafs
    if not loaded:
        existing = set(NafCode.objects.values_list("code", flat=True))
        NafCode.objects.bulk_create(
            [
                NafCode(code=c, label=label, level=NafCode.Level.SUBCLASS, filiere=filieres[name])
                for name, nafs in result.items()
                for c, label in nafs
                if c not in existing
            ],
            ignore_conflicts=True,
        )
    return result


def generate(
    *,
    clusters: int = 400,
    companies: int = 80_000,
    seed: int = 2020,
    if_empty: bool = False,
    progress: bool = False,
) -> DemoReport:
    report = DemoReport()
    started = time.perf_counter()
    if if_empty and has_demo():
        report.skipped = True
        return report
    if companies > MAX_COMPANIES:
        raise DemoError(f"au plus {MAX_COMPANIES} entreprises de démonstration")
    if clusters < 1 or companies < clusters:
        raise DemoError("il faut au moins un cluster et autant d'entreprises que de clusters")
    communes = list(
        Commune.objects.filter(lat__isnull=False, kind=Commune.Kind.COMMUNE)
        .values_list(
            "code",
            "name",
            "departement_id",
            "departement__name",
            "region_id",
            "region__name",
            "population",
            "lat",
            "lon",
        )
        .order_by("code")
    )
    if not communes:
        raise DemoError(
            "aucune commune avec coordonnées : chargez d'abord le référentiel "
            "(mapster reference load)"
        )
    rng = random.Random(seed)
    bar = tqdm(total=5, desc="Démo", disable=not progress, leave=False)

    def step(name, t0):
        report.steps[name] = time.perf_counter() - t0
        bar.update(1)
        bar.set_postfix_str(name)

    with transaction.atomic():
        t0 = time.perf_counter()
        removed = clear_demo()
        report.removed = removed
        filieres = ensure_filieres()
        naf_choices = _naf_by_filiere(filieres)
        step("nettoyage", t0)

        t0 = time.perf_counter()
        by_code = {c[0]: c for c in communes}
        national = _Sampler([c[0] for c in communes], [max(c[6] or 0, 50) for c in communes])
        by_dep = defaultdict(list)
        by_region = defaultdict(list)
        for c in communes:
            by_dep[c[2]].append(c)
            by_region[c[4]].append(c)
        dep_samplers = {
            k: _Sampler([c[0] for c in v], [max(c[6] or 0, 50) for c in v])
            for k, v in by_dep.items()
        }
        region_samplers = {
            k: _Sampler([c[0] for c in v], [max(c[6] or 0, 50) for c in v])
            for k, v in by_region.items()
        }

        # Clusters: a filière, a real commune drawn by population, a fictional name.
        cluster_rows = []
        names_used = set()
        for i in range(clusters):
            fil_name, themes, nafs, offers = FILIERES[i % len(FILIERES)]
            commune = by_code[national.draw(rng)]
            for attempt in range(20):
                territory = (
                    commune[3] if attempt % 2 == 0 or commune[3] == commune[5] else commune[5]
                )
                prefix = rng.choice(CLUSTER_PREFIXES)
                theme = rng.choice(themes)
                name = f"{prefix} {theme} {territory} (démo)"
                if attempt >= 10:
                    name = f"{prefix} {theme} {commune[1]} (démo)"
                if name not in names_used:
                    break
            else:
                name = f"{prefix} {theme} {commune[1]} {i} (démo)"
            names_used.add(name)
            cluster_rows.append((name, fil_name, commune, themes, offers, territory))
        # Heavy-tailed sizes summing to the number of companies (primary memberships).
        raw = [rng.paretovariate(1.6) for _ in range(clusters)]
        scale = (companies - clusters) / sum(raw)
        sizes = [1 + int(r * scale) for r in raw]
        for k in range(companies - sum(sizes)):
            sizes[k % clusters] += 1

        cluster_objs = []
        for (name, fil_name, commune, _themes, offers, territory), size in zip(
            cluster_rows, sizes, strict=True
        ):
            topics = ", ".join(rng.sample(offers, min(2, len(offers))))
            description = rng.choice(CLUSTER_DESCRIPTIONS).format(
                name=name.replace(" (démo)", ""),
                n=size,
                filiere=fil_name,
                territory=territory,
                topics=topics,
            )
            labels = []
            if rng.random() < 0.5:
                labels.append("france-clusters")
            if rng.random() < 0.06:
                labels.append(rng.choice(["eco-bronze", "eco-bronze", "eco-silver", "eco-gold"]))
            cluster_objs.append(
                Cluster(
                    slug=slugify(name)[:120],
                    name=name,
                    kind=rng.choice(
                        [Cluster.Kind.CLUSTER] * 6 + [Cluster.Kind.GRAPPE, Cluster.Kind.REGIONAL]
                    ),
                    commune_id=commune[0],
                    main_filiere=filieres[fil_name],
                    description=description
                    + " Données de démonstration : ce cluster n'existe pas.",
                    website=f"https://{slugify(name)[:50]}.example.org",
                    labels=labels,
                    declared_members=size,
                    is_demo=True,
                    provenance=Provenance.DEMO,
                    provenance_detail=DEMO_DETAIL,
                    source_vintage="démo",
                )
            )
        bulk.insert(Cluster, cluster_objs)
        slug_to_pk = dict(Cluster.objects.filter(is_demo=True).values_list("slug", "pk"))
        cluster_pks = [slug_to_pk[c.slug] for c in cluster_objs]
        through_f = Cluster.filieres.through
        through_r = Cluster.regions.through
        through_f.objects.bulk_create(
            [
                through_f(cluster_id=pk, filiere_id=c.main_filiere_id)
                for pk, c in zip(cluster_pks, cluster_objs, strict=True)
            ]
        )
        through_r.objects.bulk_create(
            [
                through_r(cluster_id=pk, region_id=by_code[c.commune_id][4])
                for pk, c in zip(cluster_pks, cluster_objs, strict=True)
            ]
        )
        contacts = []
        for pk in cluster_pks:
            for _ in range(rng.choice((1, 1, 2))):
                first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                contacts.append(
                    Contact(
                        cluster_id=pk,
                        name=f"{first} {last}",
                        role=rng.choice(ROLES),
                        email=f"{slugify(first)}.{slugify(last)}@example.org",
                        phone=f"01 00 00 {rng.randrange(100):02d} {rng.randrange(100):02d}",
                    )
                )
        Contact.objects.bulk_create(contacts, batch_size=500)
        report.clusters, report.contacts = len(cluster_objs), len(contacts)
        step("clusters", t0)

        # Companies, around their first cluster.
        t0 = time.perf_counter()
        bands = _Sampler(list(HEADCOUNT_WEIGHTS), list(HEADCOUNT_WEIGHTS.values()))
        today = date(2026, 1, 1)
        company_objs, est_objs, memberships = [], [], []
        n = 0
        cluster_region = {}
        for idx, (size, c) in enumerate(zip(sizes, cluster_objs, strict=True)):
            fil_name, themes, _nafs, offers = FILIERES[idx % len(FILIERES)]
            nafs = naf_choices[fil_name]
            home = by_code[c.commune_id]
            cluster_region[cluster_pks[idx]] = home[4]
            for _ in range(size):
                n += 1
                r = rng.random()
                sampler = dep_samplers[home[2]] if r < 0.6 else region_samplers[home[4]]
                commune = by_code[sampler.draw(rng)] if sampler else home
                naf_code, naf_label = rng.choice(nafs)
                surname = rng.choice(SURNAMES)
                activity = rng.choice(themes)
                form, category = rng.choice(LEGAL_FORMS)
                name = rng.choice(COMPANY_PATTERNS).format(
                    surname=surname, activity=activity, place=commune[3]
                )
                siren = demo_siren(n)
                band = bands.draw(rng)
                lat = commune[7] + rng.uniform(-0.02, 0.02)
                lon = commune[8] + rng.uniform(-0.03, 0.03)
                offer = (
                    f"{naf_label}. "
                    + "; ".join(rng.sample(offers, min(len(offers), rng.choice((1, 2, 3)))))
                    + "."
                )
                company_objs.append(
                    dict(
                        siren=siren,
                        name=f"{name} {form} (démo)",
                        naf_id=naf_code,
                        headcount_band=band,
                        legal_category=category,
                        created_on=today - timedelta(days=rng.randrange(365, 365 * 60)),
                        commune_id=commune[0],
                        lat=round(lat, 5),
                        lon=round(lon, 5),
                        website=f"https://{slugify(name)[:40]}-{siren}.example.org"
                        if rng.random() < 0.6
                        else "",
                        email=f"contact-{siren}@example.org",
                        offer=offer,
                        is_demo=True,
                        provenance=Provenance.DEMO,
                        provenance_detail=DEMO_DETAIL,
                    )
                )
                est_objs.append(
                    (siren, demo_siret(siren, 1), True, naf_code, band, commune, lat, lon)
                )
                if band >= "21" and rng.random() < 0.4:
                    other = by_code[region_samplers[home[4]].draw(rng)]
                    est_objs.append(
                        (
                            siren,
                            demo_siret(siren, 2),
                            False,
                            naf_code,
                            "11",
                            other,
                            other[7],
                            other[8],
                        )
                    )
                memberships.append((cluster_pks[idx], siren, demo_siret(siren, 1)))
        bulk.insert_rows(Company, company_objs)
        company_pk = dict(Company.objects.filter(is_demo=True).values_list("siren", "pk"))
        step("entreprises", t0)

        t0 = time.perf_counter()
        bulk.insert_rows(
            Establishment,
            [
                dict(
                    siret=siret,
                    company_id=company_pk[siren],
                    name="Siège" if head else f"Établissement de {commune[1]}",
                    is_head_office=head,
                    naf_id=naf,
                    headcount_band=band,
                    commune_id=commune[0],
                    address=f"{rng.randrange(1, 120)} rue {rng.choice(STREETS)}",
                    lat=round(lat, 5),
                    lon=round(lon, 5),
                    is_demo=True,
                    provenance=Provenance.DEMO,
                    provenance_detail=DEMO_DETAIL,
                )
                for siren, siret, head, naf, band, commune, lat, lon in est_objs
            ],
        )
        est_pk = dict(Establishment.objects.filter(is_demo=True).values_list("siret", "pk"))
        # A quarter of the companies also belong to a second cluster of their région.
        by_region_clusters = defaultdict(list)
        for pk, region in cluster_region.items():
            by_region_clusters[region].append(pk)
        seen = set()
        membership_objs = []
        founding = date(2008, 1, 1)
        for cluster_pk, siren, siret in memberships:
            pairs = [cluster_pk]
            if rng.random() < 0.25:
                options = by_region_clusters[cluster_region[cluster_pk]]
                second = rng.choice(options if len(options) > 1 else cluster_pks)
                if second != cluster_pk:
                    pairs.append(second)
            for pk in pairs:
                if (pk, siren) in seen:
                    continue
                seen.add((pk, siren))
                membership_objs.append(
                    dict(
                        cluster_id=pk,
                        company_id=company_pk[siren],
                        establishment_id=est_pk[siret],
                        role=Membership.Role.FOUNDER
                        if rng.random() < 0.03
                        else Membership.Role.MEMBER,
                        started_on=founding + timedelta(days=rng.randrange(0, 365 * 18)),
                        is_demo=True,
                        provenance=Provenance.DEMO,
                        provenance_detail=DEMO_DETAIL,
                    )
                )
        bulk.insert_rows(Membership, membership_objs)
        report.companies = len(company_objs)
        report.establishments = len(est_objs)
        report.memberships = len(membership_objs)
        step("adhésions", t0)

        t0 = time.perf_counter()
        search.rebuild("cluster")
        search.rebuild("company")
        step("index de recherche", t0)
    bar.close()
    report.seconds = time.perf_counter() - started
    return report
