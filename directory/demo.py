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
# Share of demo clusters placed in the régions of the real pôles of their filière.
REGIONAL_SHARE = 0.5
# Share of companies that try to join a second cluster (of their région and filière).
SECOND_MEMBERSHIP = 0.25
# Pôles are larger networks than most clusters: their draw of members weighs double.
POLE_WEIGHT = 2


class DemoError(Exception):
    pass


@dataclass
class DemoReport:
    clusters: int = 0
    companies: int = 0
    establishments: int = 0
    memberships: int = 0
    contacts: int = 0
    real_clusters: int = 0
    real_poles: int = 0
    real_members: int = 0
    pole_members: int = 0
    removed: int = 0
    skipped: bool = False
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        if self.skipped:
            return "Des données de démonstration existent déjà : rien à faire (--if-empty)."
        text = (
            f"Réseau de démonstration : {self.clusters} clusters, {self.companies} entreprises, "
            f"{self.establishments} établissements, {self.memberships} adhésions, "
            f"{self.contacts} contacts, en {self.seconds:.1f} s."
        )
        if self.real_clusters or self.real_members:
            text += (
                f" Avec les {self.real_clusters} clusters réels, le réseau compte "
                f"{self.real_clusters + self.clusters} clusters et "
                f"{self.real_members + self.companies} entreprises adhérentes."
            )
        if self.real_poles:
            text += (
                f" {self.real_poles} pôles réels reçoivent {self.pole_members} adhérents de "
                "démonstration (leur liste réelle n'est pas publiée)."
            )
        return text


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


@dataclass
class _Host:
    """A cluster that receives demo members: a generated one, or a real pôle."""

    filieres: list[tuple]  # entries of FILIERES its members' activities come from
    area: _Sampler | None  # communes of its région(s), by population
    near: _Sampler | None = None  # communes of its head-office département (demo clusters)
    home: tuple | None = None  # head-office commune row, when known
    regions: tuple[str, ...] = ()
    pk: int | None = None  # set once the cluster exists
    real: bool = False


def _real_poles():
    """Real pôles that may receive demo members: those without any real member.

    A pôle whose actual members were imported keeps exactly those; demo members are only
    a stand-in for member lists that are not published.
    """

    with_real_members = Membership.objects.filter(is_demo=False).values("cluster_id")
    return list(
        Cluster.objects.filter(is_demo=False, kind=Cluster.Kind.POLE)
        .exclude(pk__in=with_real_members)
        .prefetch_related("filieres", "regions")
        .select_related("commune")
        .order_by("slug")
    )


def generate(
    *,
    clusters: int = 400,
    companies: int = 80_000,
    seed: int = 2020,
    if_empty: bool = False,
    progress: bool = False,
) -> DemoReport:
    """Fill the network up to ``clusters`` clusters and ``companies`` member companies.

    Both totals count what is real: the real clusters (the pôles of the reference, any
    imported cluster) and real member companies. The rest is generated: demo clusters,
    and demo member companies shared between them and the real pôles that have no real
    member, since the pôles do not publish their member lists.
    """

    report = DemoReport()
    started = time.perf_counter()
    if if_empty and has_demo():
        report.skipped = True
        return report
    if companies > MAX_COMPANIES:
        raise DemoError(f"au plus {MAX_COMPANIES} entreprises de démonstration")
    if clusters < 1 or companies < 1:
        raise DemoError("il faut au moins un cluster et une entreprise")
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
        entry_by_slug = {filieres[e[0]].slug: e for e in FILIERES}
        real_clusters = Cluster.objects.filter(is_demo=False).count()
        real_members = (
            Company.objects.filter(is_demo=False, memberships__isnull=False).distinct().count()
        )
        poles = _real_poles()
        n_demo_clusters = max(clusters - real_clusters, 0)
        n_companies = companies - real_members
        if n_companies < n_demo_clusters + len(poles):
            raise DemoError(
                f"{companies} entreprises ne suffisent pas : il y a déjà {real_members} "
                f"entreprises adhérentes réelles, et {n_demo_clusters} clusters de démonstration "
                f"et {len(poles)} pôles réels à peupler d'au moins une entreprise chacun"
            )
        step("nettoyage", t0)

        t0 = time.perf_counter()
        by_code = {c[0]: c for c in communes}

        def sampler(rows):
            return _Sampler([c[0] for c in rows], [max(c[6] or 0, 50) for c in rows])

        national = sampler(communes)
        by_dep = defaultdict(list)
        by_region = defaultdict(list)
        for c in communes:
            by_dep[c[2]].append(c)
            by_region[c[4]].append(c)
        dep_samplers = {k: sampler(v) for k, v in by_dep.items()}
        area_samplers = {}

        def area(codes) -> _Sampler | None:
            """Communes of one or more régions, by population (None if none is loaded)."""
            key = tuple(sorted(codes))
            if key not in area_samplers:
                rows = [c for code in key for c in by_region.get(code, [])]
                area_samplers[key] = sampler(rows) if rows else None
            return area_samplers[key]

        # The real pôles: their régions, their filières (all of them when none is known).
        pole_hosts = []
        filiere_regions = defaultdict(set)
        for pole in poles:
            regions = sorted(r.code for r in pole.regions.all())
            if not regions and pole.commune_id:
                regions = [pole.commune.region_id]
            slugs = [f.slug for f in pole.filieres.all()]
            entries = [entry_by_slug[slug] for slug in slugs if slug in entry_by_slug]
            for entry in entries:
                filiere_regions[entry[0]].update(regions)
            pole_hosts.append(
                _Host(
                    filieres=entries or FILIERES,
                    # Nationwide when none of its régions has communes loaded.
                    area=(area(regions) if regions else None) or national,
                    home=by_code.get(pole.commune_id),
                    regions=tuple(regions),
                    pk=pole.pk,
                    real=True,
                )
            )

        # Demo clusters: a filière, a real commune drawn by population (half of the time
        # among the régions of the real pôles of that filière, where it is strong), a
        # fictional name.
        cluster_rows = []
        hosts = []
        names_used = set()
        for i in range(n_demo_clusters):
            entry = FILIERES[i % len(FILIERES)]
            fil_name, themes, _nafs, offers = entry
            strong = area(filiere_regions[fil_name]) if filiere_regions[fil_name] else None
            where = strong if strong and rng.random() < REGIONAL_SHARE else national
            commune = by_code[where.draw(rng)]
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
            cluster_rows.append((name, fil_name, commune, offers, territory))
            hosts.append(
                _Host(
                    filieres=[entry],
                    area=area([commune[4]]),
                    near=dep_samplers[commune[2]],
                    home=commune,
                    regions=(commune[4],),
                )
            )
        hosts += pole_hosts  # after the demo clusters, whose sizes come first below
        # Heavy-tailed sizes summing to the number of companies (primary memberships);
        # pôles, larger networks than most clusters, weigh double.
        raw = [rng.paretovariate(1.6) * (POLE_WEIGHT if h.real else 1) for h in hosts]
        scale = (n_companies - len(hosts)) / sum(raw)
        sizes = [1 + int(r * scale) for r in raw]
        for k in range(n_companies - sum(sizes)):
            sizes[k % len(hosts)] += 1

        cluster_objs = []
        for (name, fil_name, commune, offers, territory), size in zip(
            cluster_rows, sizes, strict=False
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
        for host, pk in zip(hosts, cluster_pks, strict=False):
            host.pk = pk
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
        report.real_clusters = real_clusters
        report.real_poles = len(poles)
        report.real_members = real_members
        step("clusters", t0)

        # Companies, around the cluster of their first membership.
        t0 = time.perf_counter()
        bands = _Sampler(list(HEADCOUNT_WEIGHTS), list(HEADCOUNT_WEIGHTS.values()))
        today = date(2026, 1, 1)
        company_objs, est_objs, memberships = [], [], []
        n = 0
        for size, host in zip(sizes, hosts, strict=True):
            for _ in range(size):
                n += 1
                if host.near and rng.random() < 0.6:
                    where = host.near
                else:
                    where = host.area
                commune = by_code[where.draw(rng)] if where else host.home
                fil_name, themes, _nafs, offers = (
                    host.filieres[0] if len(host.filieres) == 1 else rng.choice(host.filieres)
                )
                naf_code, naf_label = rng.choice(naf_choices[fil_name])
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
                    other = by_code[host.area.draw(rng)] if host.area else commune
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
                memberships.append((host.pk, siren, demo_siret(siren, 1), commune[4], fil_name))
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
        # Some companies also belong to a second cluster of their région: one of their
        # filière (a generated cluster or a real pôle: the membership is demo either way),
        # else any generated one. Never a pôle outside its filières, so that a pôle's
        # members all work in its filières.
        peers = defaultdict(list)
        for host in hosts:
            for code in host.regions:
                for entry in host.filieres:
                    peers[code, entry[0]].append(host.pk)
                if not host.real:
                    peers[code, None].append(host.pk)
        seen = set()
        membership_objs = []
        founding = date(2008, 1, 1)
        for cluster_pk, siren, siret, region, fil_name in memberships:
            pairs = [cluster_pk]
            if rng.random() < SECOND_MEMBERSHIP:
                options = [pk for pk in peers[region, fil_name] if pk != cluster_pk] or [
                    pk for pk in peers[region, None] if pk != cluster_pk
                ]
                if options:
                    pairs.append(rng.choice(options))
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
        report.pole_members = sum(s for s, h in zip(sizes, hosts, strict=True) if h.real)
        step("adhésions", t0)

        t0 = time.perf_counter()
        search.rebuild("cluster")
        search.rebuild("company")
        step("index de recherche", t0)
    bar.close()
    report.seconds = time.perf_counter() - started
    return report
