"""Pôles de compétitivité loaded from the reference bundle as real clusters."""

import os
from pathlib import Path

from django.core.management import call_command

from core import search
from directory.models import Cluster
from directory.poles import filieres_for, label_for, load_poles

REFERENCE = Path(os.environ["MAPSTER_REFERENCE_DIR"])


def test_all_57_poles_load_as_reference_clusters_with_labels(reference):
    report = load_poles(REFERENCE)
    assert report.created == 57
    poles = Cluster.objects.filter(kind=Cluster.Kind.POLE)
    assert poles.count() == 57
    assert set(poles.values_list("provenance", flat=True)) == {"reference"}
    assert not poles.filter(is_demo=True).exists()
    assert all(p.source_vintage for p in poles)
    aerospace = poles.get(slug="aerospace-valley")
    assert aerospace.commune_id == "31555"
    assert aerospace.labels == ["pole-phase-v"]
    assert aerospace.main_filiere_id == "automobile-ferroviaire-aeronautique-navale"
    assert list(aerospace.regions.values_list("code", flat=True)) == ["76"]
    assert poles.get(slug="team2").labels == ["pole-phase-v-conditional"]
    # A pôle over two régions keeps both; DERBI was renewed for 2024-2026.
    assert poles.get(slug="aqua-valley").regions.count() == 2
    assert poles.get(slug="derbi").labels == ["pole-phase-v"]


def test_second_load_changes_nothing(reference):
    load_poles(REFERENCE)
    stamps = dict(Cluster.objects.values_list("slug", "updated_at"))
    again = load_poles(REFERENCE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 57)
    assert dict(Cluster.objects.values_list("slug", "updated_at")) == stamps


def test_head_office_is_left_empty_when_the_city_is_unknown(reference):
    report = load_poles(REFERENCE)
    capenergies = Cluster.objects.get(slug="capenergies")
    assert capenergies.commune is None
    assert "Capénergies" in report.without_commune
    assert list(capenergies.regions.values_list("code", flat=True)) == ["93"]


def test_poles_are_searchable_by_theme(reference):
    load_poles(REFERENCE)
    found = search.filter_queryset(Cluster.objects.all(), "cluster", "aéronautique")
    assert "aerospace-valley" in set(found.values_list("slug", flat=True))


def test_thematique_maps_to_filieres_and_label_text_to_codes():
    assert filieres_for("plasturgie, caoutchouc, polymères") == [
        "bois-materiaux-et-procedes-innovants-chimie-biologie"
    ]
    assert filieres_for("") == []
    assert label_for("4 ans (2023-2026), annonce du 27/03/2023") == "pole-phase-v"
    assert label_for("2 ans (pôle placé sous surveillance)") == "pole-phase-v-conditional"


def test_poles_command(reference, capsys):
    call_command("directory", "poles")
    assert "57 créés" in capsys.readouterr().out


def test_reference_load_ends_with_the_poles(db, capsys):
    call_command("reference", "load", "--departement", "31", "--no-progress")
    assert "Pôles de compétitivité : 57 créés" in capsys.readouterr().out
    assert Cluster.objects.get(slug="aerospace-valley").commune_id == "31555"
