import csv

import pytest
from django.core.management import call_command

from showcase.models import Example
from showcase.normalize import derive_title, match_regions
from showcase.services import load_2020

pytestmark = pytest.mark.django_db


def test_load_2020_creates_the_24_published_seed_examples(regions, seed_csv):
    report = load_2020(seed_csv)
    assert report.created == 24 and not report.errors
    assert Example.objects.filter(status="published", provenance="seed_2020").count() == 24
    assert not Example.objects.filter(is_demo=True).exists()


def test_load_2020_twice_changes_nothing(regions, seed_csv):
    load_2020(seed_csv)
    before = list(Example.objects.order_by("pk").values("pk", "title", "updated_at"))
    report = load_2020(seed_csv)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 24)
    assert list(Example.objects.order_by("pk").values("pk", "title", "updated_at")) == before


def test_reload_keeps_an_operator_edited_title(regions, seed_csv):
    load_2020(seed_csv)
    example = Example.objects.get(region_label="Bretagne")
    example.title = "Titre revu par l'équipe"
    example.save()
    load_2020(seed_csv)
    example.refresh_from_db()
    assert example.title == "Titre revu par l'équipe"


def test_silver_economie_region_cell_is_flagged_and_kept_verbatim(regions, seed_csv):
    load_2020(seed_csv)
    flagged = Example.objects.filter(region_unmapped=True)
    assert [e.region_label for e in flagged] == ["silver économie et santé"]
    assert flagged.get().regions.count() == 0


def test_two_region_cells_map_to_both_regions(regions, seed_csv):
    load_2020(seed_csv)
    example = Example.objects.get(region_label="SUD / Occitanie")
    assert sorted(example.regions.values_list("code", flat=True)) == ["76", "93"]


def test_every_mappable_seed_row_gets_regions_and_a_filiere(regions, seed_csv):
    load_2020(seed_csv)
    for example in Example.objects.filter(region_unmapped=False):
        assert example.regions.exists(), example.region_label
    assert not Example.objects.filter(filiere=None).exists()


def test_region_spellings_of_the_report_map_to_official_codes(regions):
    assert match_regions("SUD-PACA").codes == ["93"]
    assert match_regions("Nouvelle Aquitaine").codes == ["75"]
    assert match_regions("Ile de France").codes == ["11"]
    assert match_regions("Bourgogne-Franche Comté").codes == ["27"]
    assert match_regions("SUD-PACA / Occitanie").codes == ["93", "76"]
    assert match_regions("silver économie et santé").unmapped == ["silver économie et santé"]
    # One known and one unknown part: flag the whole cell rather than half-map it.
    assert match_regions("Bretagne / Atlantide").codes == []


def test_titles_are_the_first_clause_of_the_description():
    assert derive_title("Boitier de désinfection UV LED petits objets; dispositifs de…") == (
        "Boitier de désinfection UV LED petits objets"
    )
    long = "mot " * 40
    title = derive_title(long)
    assert title.endswith("…") and len(title) <= 81 and title.startswith("Mot")


def test_seed_themes_follow_the_report_sections(regions, seed_csv):
    load_2020(seed_csv)
    lin = Example.objects.get(description__startswith="Plusieurs projets d'industriels")
    assert set(lin.themes) >= {"relocalisation", "opportunites"}
    masks = Example.objects.filter(category="masques")
    assert all(e.themes == ["production"] for e in masks)


def test_load_reports_bad_rows_with_line_and_column(regions, tmp_path, seed_csv):
    rows = list(csv.DictReader(seed_csv.open(encoding="utf-8")))
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(rows[0])
        writer.writerow({**rows[1], "categorie": "inconnue"})
        writer.writerow({**rows[2], "description": "  "})
    report = load_2020(bad)
    assert report.created == 1
    assert [(e["line"], e["column"]) for e in report.errors] == [
        (3, "categorie"),
        (4, "description"),
    ]


def test_command_prints_a_summary(regions, capsys):
    call_command("showcase", "load-2020")
    out = capsys.readouterr()
    assert "24 créé(s)" in out.out
    assert "silver économie et santé" in out.err
    call_command("showcase", "load-2020")
    assert "0 créé(s), 0 mis à jour, 24 inchangé(s)" in capsys.readouterr().out
