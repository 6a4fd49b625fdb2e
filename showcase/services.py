"""Everything that writes examples: the 2020 seed, submissions, moderation.

Views, the admin and management commands call these; none writes an Example itself.
"""

from __future__ import annotations

import csv
import hashlib
import html
import os
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from activities.models import Filiere
from showcase.models import Example
from showcase.normalize import (
    derive_title,
    match_filiere,
    match_regions,
    themes_for,
)
from territories.lookups import RegionIndex
from territories.models import Region

SEED_FILE = "exemples-2020.csv"
SEED_COLUMNS = ["categorie", "section", "filiere_libelle", "region_libelle", "description"]


def plain_text(value: str) -> str:
    """User text as plain text: tags and script content dropped by nh3, entities decoded.

    Stored as text and escaped again by the templates, never marked safe.
    """

    return html.unescape(nh3.clean(value or "", tags=set())).strip()


def _filiere(slug: str | None) -> Filiere | None:
    """The report's filière, when the reference (activities) is loaded."""

    return Filiere.objects.filter(slug=slug).first() if slug else None


def apply_mappings(example: Example, region_index=None) -> bool:
    """Map the free-text filière and région(s); returns whether anything changed."""

    changed = False
    filiere = _filiere(match_filiere(example.filiere_label))
    if filiere is not None and example.filiere_id != filiere.pk:
        example.filiere = filiere
        changed = True
    match = match_regions(example.region_label, region_index)
    known = set(Region.objects.filter(code__in=match.codes).values_list("code", flat=True))
    # A code the lookup knows but the database lacks (reference not loaded) stays flagged.
    unmapped = bool(match.unmapped) or bool(example.region_label and not known)
    if example.region_unmapped != unmapped:
        example.region_unmapped = unmapped
        changed = True
    if changed:
        example.save()
    current = set(example.regions.values_list("code", flat=True))
    if current != known:
        example.regions.set(sorted(known))
        changed = True
    return changed


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s), "
            f"{len(self.errors)} ligne(s) rejetée(s), {len(self.flagged)} région(s) non reconnue(s)"
        )


def seed_path() -> Path:
    return Path(os.environ.get("MAPSTER_FIXTURES_DIR", "")) / SEED_FILE


def _seed_key(description: str) -> str:
    return "2020-" + hashlib.sha1(" ".join(description.split()).encode()).hexdigest()[:16]


def load_2020(path: Path | None = None, *, progress: bool = False) -> LoadReport:
    """Load the report's 24 examples, published, as seed data (not demo).

    Idempotent: rows are found again by a hash of their description; a rerun only
    refreshes the filière and région mapping (e.g. after the reference is loaded),
    never the title or text an operator may have edited.
    """

    path = path or seed_path()
    report = LoadReport()
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in SEED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            report.errors.append(
                {"line": 1, "column": ",".join(missing), "reason": "colonne absente"}
            )
            return report
        rows = list(enumerate(reader, start=2))
    valid = {c.value for c in Example.Category}
    region_index = RegionIndex.build()
    for line, row in tqdm(rows, disable=not progress, desc="exemples 2020", unit="ligne"):
        description = plain_text(row["description"])
        category = (row["categorie"] or "").strip()
        if not description:
            report.errors.append({"line": line, "column": "description", "reason": "vide"})
            continue
        if category not in valid:
            report.errors.append(
                {"line": line, "column": "categorie", "reason": f"catégorie inconnue {category!r}"}
            )
            continue
        key = _seed_key(description)
        with transaction.atomic():
            example, created = Example.objects.get_or_create(
                seed_key=key,
                defaults={
                    "title": derive_title(description),
                    "description": description,
                    "category": category,
                    "section": row["section"].strip(),
                    "filiere_label": row["filiere_libelle"].strip(),
                    "region_label": row["region_libelle"].strip(),
                    "themes": themes_for(category, description),
                    "status": Example.Status.PUBLISHED,
                    "provenance": Example.Provenance.SEED_2020,
                    "is_demo": False,
                },
            )
            changed = apply_mappings(example, region_index)
        if example.region_unmapped:
            report.flagged.append(example.region_label)
        if created:
            report.created += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def submit(*, user, cluster, data: dict) -> Example:
    """A cluster manager's proposal: sanitised, mapped, waiting for moderation."""

    description = plain_text(data["description"])
    example = Example.objects.create(
        title=plain_text(data.get("title", "")) or derive_title(description),
        description=description,
        category=data.get("category") or Example.Category.AUTRE,
        filiere_label=plain_text(data.get("filiere_label", "")),
        region_label=plain_text(data.get("region_label", "")),
        themes=[t for t in data.get("themes", []) if t],
        cluster=cluster,
        submitted_by=user,
        status=Example.Status.SUBMITTED,
        provenance=Example.Provenance.MANAGER,
    )
    if not example.region_label and cluster is not None:
        regions = list(cluster.regions.all())
        if not regions and cluster.commune_id:
            regions = [cluster.commune.region]
        example.region_label = " / ".join(r.name for r in regions)
        example.save(update_fields=["region_label"])
    apply_mappings(example)
    return example


def moderate(example: Example, *, user, publish: bool, note: str = "") -> Example:
    example.status = Example.Status.PUBLISHED if publish else Example.Status.REJECTED
    example.moderated_by = user
    example.moderated_at = timezone.now()
    example.moderation_note = plain_text(note)
    example.save(
        update_fields=["status", "moderated_by", "moderated_at", "moderation_note", "updated_at"]
    )
    return example


EXAMPLE_FIELDS = ("exemple_categorie", "exemple_filiere", "exemple_region", "exemple_description")


def source_ref_for(response) -> str:
    return f"response:{response.pk}:exemple_description"


def example_from_response(response, *, user) -> tuple[Example, bool]:
    """Turn the `exemple_*` answers of a survey response into a catalogue entry.

    The entry waits in the moderation queue (status submitted) so that the operator
    can edit its title before publishing. Doing it twice returns the same entry.
    Raises ValueError when the response has no example description.
    """

    answers = response.answers or {}
    description = plain_text(str(answers.get("exemple_description", "")))
    if not description:
        raise ValueError("no exemple_description in this response")
    ref = source_ref_for(response)
    existing = Example.objects.filter(source_ref=ref).first()
    if existing:
        return existing, False
    category = str(answers.get("exemple_categorie") or "")
    if category not in {c.value for c in Example.Category}:
        category = Example.Category.AUTRE
    section = ""
    for entry in (response.survey.report or {}).get("sections", []):
        if category in (entry.get("example_categories") or []):
            section = entry.get("title", "")
    example = Example.objects.create(
        title=derive_title(description),
        description=description,
        category=category,
        section=section,
        filiere_label=plain_text(str(answers.get("exemple_filiere", ""))),
        region_label=plain_text(str(answers.get("exemple_region", ""))),
        themes=themes_for(category, description),
        cluster=response.cluster,
        status=Example.Status.SUBMITTED,
        provenance=Example.Provenance.SURVEY,
        source_ref=ref,
        submitted_by=user,
        is_demo=bool(getattr(response.survey, "is_demo", False)),
    )
    apply_mappings(example)
    return example, True
