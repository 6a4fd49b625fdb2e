"""The pôles de compétitivité of the reference bundle, loaded as real Cluster records.

``load_poles(reference_dir)`` reads ``poles-competitivite.csv`` (57 rows) and upserts
one Cluster of kind pôle per row, provenance ``reference``, by slug. It is idempotent:
a second run changes nothing. ``mapster reference load`` calls it last; ``mapster
directory poles`` runs it alone.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from core.text import normalize_name
from directory.models import Cluster, Provenance
from territories.lookups import CommuneIndex, RegionIndex

FILENAME = "poles-competitivite.csv"
COLUMNS = (
    "nom",
    "region_siege",
    "ville_siege",
    "thematique",
    "site_web",
    "source_url",
    "label_phase_v",
    "notes",
)
# Shown with each pôle: the labelling decisions the list reflects.
SOURCE_VINTAGE = "Phase V 2023-2026 (listes de mars 2023 et janv. 2024)"

# Folded keywords of the "thematique" column -> filière slug (see activities/data).
THEME_FILIERES = [
    (
        r"aeronaut|espace|spatial|aerospatial|vehicule|automobile|mobilit|ferroviaire|maritime|mer\b",
        "automobile-ferroviaire-aeronautique-navale",
    ),
    (r"agricult|equine|vegetal", "agriculture-viticulture-horticulture-sylviculture"),
    (
        r"agroalimentaire|nutrition|gout|aliment|produits de la mer|aromes|vegetal|bioeconomie",
        "agroalimentaire-bioressources-vegetal",
    ),
    (r"photonique|laser|optique|imagerie|hyperfrequence", "optique-photonique-laser"),
    (
        r"numerique|electronique|cyber|\bia\b|iot|logiciel|deep tech|quantique|open source",
        "tic-numerique-logiciels",
    ),
    (r"sante|biotechnolog|sciences de la vie", "sante-biotechnologies-bien-etre"),
    (
        r"chimie|materiau|plasturgie|polymere|caoutchouc|ceramique|bois|foret|papier|bioeconomie",
        "bois-materiaux-et-procedes-innovants-chimie-biologie",
    ),
    (r"textile|parfumerie|cosmetique", "biens-de-consommation"),
    (r"energie|hydrogene|nucleaire|solaire|gaz", "energie-eco-energies"),
    (
        r"\beau\b|environnement|circulaire|geoscience|sous sol",
        "environnement-eau-developpement-durable",
    ),
    (r"batiment|infrastructure|travaux publics|construction", "eco-technologies-ecoconstruction"),
    (r"securite|defense|risques", "defense-securite"),
    (
        r"mecanique|metallurgie|machine|robotique|microtechnique|production",
        "mecatronique-robotique-microtechniques-mecanique-metallurgie",
    ),
    (r"finance|transformation des materiaux", "ingenierie-de-services-service-aux-entreprises"),
]


@dataclass
class PolesReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    without_commune: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Pôles de compétitivité : {self.created} créés, {self.updated} modifiés, "
            f"{self.unchanged} inchangés ; {len(self.without_commune)} sans commune de siège "
            "résolue (région seule)."
        )


def filieres_for(thematique: str) -> list[str]:
    text = normalize_name(thematique)
    found = []
    for pattern, slug in THEME_FILIERES:
        if re.search(pattern, text) and slug not in found:
            found.append(slug)
    return found


def label_for(label_phase_v: str) -> str:
    text = normalize_name(label_phase_v)
    if text.startswith("4 ans") or "labellise 2024 2026" in text or "renouvele 2024 2026" in text:
        return "pole-phase-v"
    return "pole-phase-v-conditional"


def _parts(value: str) -> list[str]:
    return [p.strip() for p in (value or "").split("/") if p.strip()]


def read_poles(reference_dir) -> list[dict]:
    path = Path(reference_dir) / FILENAME
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: colonnes absentes : {', '.join(missing)}")
        return [row for row in reader if row["nom"].strip()]


def load_poles(reference_dir, index: CommuneIndex | None = None) -> PolesReport:
    from activities.models import Filiere

    report = PolesReport()
    rows = read_poles(reference_dir)
    index = index or CommuneIndex.build()
    region_index = RegionIndex.build()
    known_filieres = set(Filiere.objects.values_list("slug", flat=True))
    with transaction.atomic():
        existing = {c.slug: c for c in Cluster.objects.filter(kind=Cluster.Kind.POLE)}
        for row in rows:
            name = row["nom"].strip()
            slug = slugify(name)[:120]
            region_codes = set(region_index.resolve(row["region_siege"]).codes)
            commune = None
            for city in _parts(row["ville_siege"]):
                for code in index.by_name.get(normalize_name(city), []):
                    candidate = index.communes[code]
                    if not region_codes or candidate.region_id in region_codes:
                        commune = candidate
                        break
                if commune:
                    break
            if commune is None:
                report.without_commune.append(name)
            filieres = [f for f in filieres_for(row["thematique"]) if f in known_filieres]
            description = (
                f"Pôle de compétitivité ; thématique : {row['thematique'] or 'non précisée'}. "
                f"Label phase V : {row['label_phase_v']}."
            )
            if row["notes"]:
                description += f" Note sur la source : {row['notes']}."
            website = row["site_web"].strip()
            if website and not website.startswith("http"):
                website = "https://" + website
            wanted = {
                "name": name[:200],
                "kind": Cluster.Kind.POLE,
                "commune_id": commune.code if commune else None,
                "main_filiere_id": filieres[0] if filieres else None,
                "description": description,
                "website": website[:300],
                "labels": [label_for(row["label_phase_v"])],
                "provenance": Provenance.REFERENCE,
                "provenance_detail": row["source_url"][:300],
                "source_vintage": SOURCE_VINTAGE,
                "is_demo": False,
            }
            cluster = existing.get(slug)
            if cluster is None:
                cluster = Cluster(slug=slug, **wanted)
                cluster.save()
                report.created += 1
                changed = True
            else:
                diff = {k: v for k, v in wanted.items() if getattr(cluster, k) != v}
                if diff:
                    for key, value in diff.items():
                        setattr(cluster, key, value)
                    cluster.save()
                changed = bool(diff)
            if set(cluster.filieres.values_list("slug", flat=True)) != set(filieres):
                cluster.filieres.set(filieres)
                changed = True
            if set(cluster.regions.values_list("code", flat=True)) != region_codes:
                cluster.regions.set(region_codes)
                changed = True
            if changed and slug in existing:
                report.updated += 1
            elif slug in existing:
                report.unchanged += 1
    return report
