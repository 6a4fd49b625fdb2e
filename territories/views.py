"""The "Sources et licences" page: every reference input with its licence and what was loaded."""

from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _

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
from territories.sources import SOURCES


def _loaded_counts() -> dict[str, list[tuple[str, int]]]:
    communes = Commune.objects.filter(kind=Commune.Kind.COMMUNE)
    ti = TerritoireIndustrie.objects
    return {
        "cog-regions": [(_("régions"), Region.objects.count())],
        "cog-departements": [(_("départements"), Departement.objects.count())],
        "cog-epci": [(_("EPCI"), EPCI.objects.count())],
        "cog-communes": [
            (_("communes"), communes.count()),
            (
                _("arrondissements municipaux"),
                Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).count(),
            ),
            (_("codes postaux"), PostalCode.objects.count()),
        ],
        "communes-centres": [
            (_("communes avec un centre"), Commune.objects.exclude(lat=None).count())
        ],
        "communes-centres-predecesseurs": [
            (_("anciens codes de communes"), FormerCommuneCode.objects.count())
        ],
        "zones-emploi": [
            (_("communes rattachées"), Commune.objects.exclude(zone_emploi=None).count())
        ],
        "zones-emploi-libelles": [(_("zones d'emploi"), ZoneEmploi.objects.count())],
        "regions-geojson": [
            (_("régions avec contour"), Region.objects.exclude(geometry=None).count())
        ],
        "departements-geojson": [
            (_("départements avec contour"), Departement.objects.exclude(geometry=None).count())
        ],
        "territoires-industrie": [
            (_("territoires 2023-2027"), ti.filter(generation="2023-2027").count()),
            (_("territoires 2018-2022"), ti.filter(generation="2018-2022").count()),
        ],
        "communes-programmes-anct": [
            (_("communes dans au moins un programme"), communes.exclude(programmes={}).count())
        ],
        "naf": [
            (_("codes NAF (divisions à sous-classes)"), NafCode.objects.exclude(level=1).count())
        ],
        "naf-sections": [(_("sections NAF"), NafCode.objects.filter(level=1).count())],
        "filieres": [
            (_("filières"), Filiere.objects.count()),
            (
                _("sous-classes NAF rattachées à une filière"),
                NafCode.objects.filter(Q(level=5) & ~Q(filiere=None)).count(),
            ),
        ],
    }


def sources(request):
    counts = _loaded_counts()
    # The order of territories.sources: geography first, then activities.
    order = {spec.key: i for i, spec in enumerate(SOURCES)}
    sources = sorted(Source.objects.all(), key=lambda s: (order.get(s.key, len(order)), s.name))
    rows = [
        {"source": s, "counts": counts.get(s.key, []), "odbl": s.licence.startswith("ODbL")}
        for s in sources
    ]
    return render(request, "territories/sources.html", {"rows": rows})
