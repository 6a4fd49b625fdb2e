"""Exports of any list as CSV (French Excel), XLSX or GeoJSON.

CSV is written the way French Excel opens it without a wizard: UTF-8 with a BOM
(otherwise accents come out as mojibake) and a semicolon separator (the comma is the
decimal mark in French locales). Every text cell that a spreadsheet would read as a
formula is prefixed with a quote: a company name such as "=HYPERLINK(...)" typed into
an import must never run in the spreadsheet of whoever downloads the list.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

# OWASP's list of characters that make a spreadsheet cell a formula or a DDE call.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx", "geojson")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


def neutralise(value: Any) -> Any:
    """Make a cell inert in a spreadsheet; numbers and dates are left as they are."""

    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | dt.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _cells(columns: list[Column], obj: Any) -> list[Any]:
    return [neutralise(c.value(obj)) for c in columns]


class _Echo:
    def write(self, value):
        return value


def iter_csv(columns: list[Column], objects: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([str(c.header) for c in columns])
    for obj in objects:
        row = _cells(columns, obj)
        # French Excel reads "3.5" as a date or text: write decimals with a comma.
        yield writer.writerow(
            [str(v).replace(".", ",") if isinstance(v, float) else v for v in row]
        )


def csv_text(columns: list[Column], objects: Iterable[Any]) -> str:
    return "".join(iter_csv(columns, objects))


def xlsx_bytes(columns: list[Column], objects: Iterable[Any], title: str = "export") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31] or "export")
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=str(c.header))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for obj in objects:
        row = []
        for value in _cells(columns, obj):
            cell = WriteOnlyCell(ws, value=value)
            # Explicit string type: openpyxl would otherwise store a leading "=" as a formula.
            if isinstance(value, str):
                cell.data_type = "s"
            row.append(cell)
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def geojson_features(
    columns: list[Column],
    objects: Iterable[Any],
    point: Callable[[Any], tuple[float, float] | None],
) -> Iterator[dict]:
    """Features with (lon, lat) points; objects without a position get a null geometry."""

    for obj in objects:
        where = point(obj)
        props = {}
        for c in columns:
            v = c.value(obj)
            props[str(c.header)] = v.isoformat() if isinstance(v, dt.date) else v
        yield {
            "type": "Feature",
            "geometry": (
                {"type": "Point", "coordinates": [round(where[0], 6), round(where[1], 6)]}
                if where
                else None
            ),
            "properties": props,
        }


def iter_geojson(columns, objects, point) -> Iterator[str]:
    yield '{"type":"FeatureCollection","features":['
    for i, feature in enumerate(geojson_features(columns, objects, point)):
        yield ("," if i else "") + json.dumps(feature, ensure_ascii=False, default=str)
    yield "]}"


def export_response(
    fmt: str,
    filename: str,
    columns: list[Column],
    objects: Iterable[Any],
    point: Callable[[Any], tuple[float, float] | None] | None = None,
) -> HttpResponse:
    """An attachment in the requested format; `filename` has no extension."""

    if fmt == "csv":
        response = StreamingHttpResponse(
            iter_csv(columns, objects), content_type=CONTENT_TYPES[fmt]
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(columns, objects, filename), content_type=CONTENT_TYPES[fmt]
        )
    elif fmt == "geojson":
        response = StreamingHttpResponse(
            iter_geojson(columns, objects, point or (lambda o: None)),
            content_type=CONTENT_TYPES[fmt],
        )
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
