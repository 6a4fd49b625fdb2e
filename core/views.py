from django.shortcuts import render

from core.stats import key_figures


def home(request):
    return render(request, "core/home.html", {"figures": key_figures()})


def france_map(request):
    return render(request, "core/map.html", {})
