from django.shortcuts import render

from activities.models import Filiere
from core.stats import key_figures
from directory.models import Cluster
from territories.models import Region


def home(request):
    return render(request, "core/home.html", {"figures": key_figures()})


def france_map(request):
    """The map page; its data comes from /carte/points.json with the same GET filters."""

    params = request.GET
    return render(
        request,
        "core/map.html",
        {
            "kinds": Cluster.Kind.choices,
            "filieres": Filiere.objects.all(),
            "regions": Region.objects.all(),
            "selected": {
                "q": params.get("q", ""),
                "kind": params.getlist("kind"),
                "filiere": params.getlist("filiere"),
                "region": params.getlist("region"),
                "departement": params.getlist("departement"),
                "ti": params.getlist("ti"),
                "label": params.getlist("label"),
                "demo": params.get("demo", ""),
            },
            "has_demo": Cluster.objects.filter(is_demo=True).exists(),
        },
    )
