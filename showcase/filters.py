"""Catalogue filters shared by the page and the API, so they cannot drift apart."""

from django.db.models import Q, QuerySet

from showcase.models import Example


def published() -> QuerySet:
    return Example.objects.filter(status=Example.Status.PUBLISHED)


def apply(
    qs: QuerySet,
    *,
    filiere: str = "",
    region: str = "",
    theme: str = "",
    category: str = "",
    q: str = "",
) -> QuerySet:
    if filiere:
        qs = qs.filter(filiere__slug=filiere)
    if region:
        qs = qs.filter(regions__code=region)
    if category:
        qs = qs.filter(category=category)
    if theme:
        # JSON containment is not on SQLite; themes are a handful of fixed words,
        # so a quoted substring match on the JSON text is exact enough and portable.
        qs = qs.filter(themes__icontains=f'"{theme}"')
    for word in (q or "").split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(filiere_label__icontains=word)
            | Q(region_label__icontains=word)
            | Q(cluster__name__icontains=word)
        )
    # The report's order first, then proposals as they were published.
    return qs.distinct().order_by("pk")
