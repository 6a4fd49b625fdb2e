"""Published examples of the good-practice catalogue, open to anyone."""

import math

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from showcase import filters
from showcase.models import Example

router = Router(tags=["showcase"])


class Location(Schema):
    lat: float
    lon: float
    label: str


class ExampleOut(Schema):
    id: int
    title: str
    description: str
    category: str
    category_label: str
    section: str
    filiere_label: str
    filiere: str | None
    filiere_name: str | None
    region_label: str
    regions: list[str]
    region_unmapped: bool
    themes: list[str]
    cluster: str | None
    provenance: str
    is_demo: bool
    url: str
    locations: list[Location]


class ExamplePage(Schema):
    """Paged like the directory's lists (docs/api.md)."""

    count: int
    page: int
    pages: int
    page_size: int
    items: list[ExampleOut]


class Filters(Schema):
    filiere: str = Field("", max_length=100, description="Filière slug.")
    region: str = Field("", max_length=3, description="Région INSEE code.")
    theme: str = Field("", max_length=30, description="emploi, opportunites, production…")
    category: str = Field("", max_length=30, description="Example category.")
    q: str = Field("", max_length=100, description="Words of the title or description.")
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    page_size: int = Field(
        None, ge=1, le=1000, description="Results per page (default MAPSTER_API_PAGE_SIZE)."
    )


def _out(example: Example) -> dict:
    return {
        "id": example.pk,
        "title": example.title,
        "description": example.description,
        "category": example.category,
        "category_label": str(example.get_category_display()),
        "section": example.section,
        "filiere_label": example.filiere_label,
        "filiere": example.filiere_id,
        "filiere_name": example.filiere.name if example.filiere_id else None,
        "region_label": example.region_label,
        "regions": [r.code for r in example.regions.all()],
        "region_unmapped": example.region_unmapped,
        "themes": example.themes,
        "cluster": example.cluster.slug if example.cluster_id else None,
        "provenance": example.provenance,
        "is_demo": example.is_demo,
        "url": example.get_absolute_url(),
        "locations": example.locations(),
    }


@router.get("/examples", response=ExamplePage, summary="Exemples publiés (filtres, recherche)")
def list_examples(request, f: Query[Filters]):
    size = f.page_size or settings.MAPSTER_API_PAGE_SIZE
    qs = filters.apply(
        filters.published(),
        filiere=f.filiere,
        region=f.region,
        theme=f.theme,
        category=f.category,
        q=f.q,
    )
    qs = qs.select_related("filiere", "cluster__commune").prefetch_related("regions")
    count = qs.count()
    start = (f.page - 1) * size
    rows = [_out(e) for e in qs.order_by("pk")[start : start + size]] if start < count else []
    return {
        "count": count,
        "page": f.page,
        "pages": max(1, math.ceil(count / size)),
        "page_size": size,
        "items": rows,
    }


@router.get("/examples/{example_id}", response=ExampleOut, summary="Un exemple publié")
def get_example(request, example_id: int):
    qs = filters.published().select_related("filiere", "cluster__commune")
    return _out(get_object_or_404(qs, pk=example_id))
