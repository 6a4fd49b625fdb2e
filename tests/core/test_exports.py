import csv
import io
import json

import pytest
from openpyxl import load_workbook

from core.exports import Column, csv_text, export_response, neutralise, xlsx_bytes

COLUMNS = [
    Column("Nom", lambda o: o["name"]),
    Column("Effectif", lambda o: o["n"]),
    Column("Longitude", lambda o: o["lon"]),
]
ROWS = [
    {"name": "Aéro Sud", "n": 12, "lon": -1.5},
    {"name": '=HYPERLINK("http://evil")', "n": 3, "lon": 2.25},
    {"name": "+33 1 23", "n": 0, "lon": 0.0},
    {"name": "-2+3", "n": 1, "lon": 1.0},
    {"name": "@SUM(A1)", "n": 1, "lon": 1.0},
    {"name": "\tcmd", "n": 1, "lon": 1.0},
    {"name": "\rcmd", "n": 1, "lon": 1.0},
]


@pytest.mark.parametrize("dangerous", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_text_cells_that_look_like_formulas_are_quoted(dangerous):
    assert neutralise(dangerous) == "'" + dangerous


def test_numbers_and_plain_text_are_left_alone():
    assert neutralise(-3) == -3
    assert neutralise(2.5) == 2.5
    assert neutralise("Toulouse") == "Toulouse"
    assert neutralise(None) == ""


def test_csv_opens_in_french_excel_with_bom_and_semicolons():
    text = csv_text(COLUMNS, ROWS)
    assert text.startswith("\ufeffNom;Effectif;Longitude\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1] == ["Aéro Sud", "12", "-1,5"]
    names = [r[0] for r in rows[2:]]
    assert all(n.startswith("'") for n in names), names


def test_csv_quotes_separators_inside_values():
    text = csv_text([Column("Nom", lambda o: o)], ["Dupont; fils"])
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1] == ["Dupont; fils"]


def test_xlsx_stores_formula_like_text_as_text():
    wb = load_workbook(io.BytesIO(xlsx_bytes(COLUMNS, ROWS, "membres")))
    ws = wb.active
    assert ws.title == "membres"
    assert [c.value for c in ws[1]] == ["Nom", "Effectif", "Longitude"]
    assert ws["A2"].value == "Aéro Sud" and ws["B2"].value == 12
    assert ws["A3"].value.startswith("'=HYPERLINK")
    assert ws["A3"].data_type == "s"


def test_geojson_export_has_points_and_null_geometry_without_position():
    response = export_response(
        "geojson",
        "membres",
        COLUMNS[:1],
        [{"name": "A", "pos": (1.5, 43.2)}, {"name": "B", "pos": None}],
        point=lambda o: o["pos"],
    )
    data = json.loads(b"".join(response.streaming_content))
    assert response["Content-Disposition"] == 'attachment; filename="membres.geojson"'
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [1.5, 43.2]}
    assert data["features"][1]["geometry"] is None
    assert data["features"][0]["properties"] == {"Nom": "A"}


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        export_response("pdf", "x", COLUMNS, ROWS)
