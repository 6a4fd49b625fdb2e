"""Reading and validating the reference files, before anything is written.

Every function raises `ReferenceDataError` naming the file and what was expected,
so that a broken bundle stops the load before the first write.
"""

import csv
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path


class ReferenceDataError(Exception):
    """A reference file is missing or does not have the expected shape."""

    def __init__(self, path, message: str):
        self.path = Path(path) if path else None
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


@dataclass
class InputFile:
    path: Path
    sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def require_file(path: Path) -> Path:
    if not path.is_file():
        raise ReferenceDataError(path, "file not found (expected in the reference bundle)")
    return path


def read_json_records(path: Path, required: tuple[str, ...]) -> list[dict]:
    """A JSON array of objects, each holding at least the `required` keys."""

    require_file(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReferenceDataError(path, f"not valid UTF-8 JSON ({exc})") from exc
    if not isinstance(data, list) or not data:
        raise ReferenceDataError(path, "expected a non-empty JSON array of objects")
    for i, row in enumerate(data):
        if not isinstance(row, dict):
            raise ReferenceDataError(path, f"item {i}: expected an object")
        missing = [k for k in required if k not in row]
        if missing:
            raise ReferenceDataError(
                path, f"item {i} (code {row.get('code', '?')}): missing field(s) {missing}"
            )
    return data


def read_csv_rows(path: Path, required: tuple[str, ...]) -> list[dict]:
    """A UTF-8 CSV with a header row holding at least the `required` columns."""

    require_file(path)
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise ReferenceDataError(
                    path,
                    f"missing column(s) {missing}; expected columns {list(required)}, "
                    f"found {header}",
                )
            rows = []
            for row in reader:
                if None in row:
                    raise ReferenceDataError(
                        path, f"line {reader.line_num}: more values than columns in the header"
                    )
                if any(row[c] is None for c in required):
                    raise ReferenceDataError(
                        path, f"line {reader.line_num}: fewer values than columns in the header"
                    )
                rows.append(row)
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(path, f"not valid UTF-8 text ({exc})") from exc
    except csv.Error as exc:
        raise ReferenceDataError(path, f"unparsable CSV ({exc})") from exc
    if not rows:
        raise ReferenceDataError(path, "no data rows")
    return rows


def read_geojson(path: Path) -> dict[str, dict]:
    """Feature geometries by their `code` property."""

    require_file(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReferenceDataError(path, f"not valid UTF-8 JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ReferenceDataError(path, "expected a GeoJSON FeatureCollection")
    out = {}
    for i, feature in enumerate(data.get("features") or []):
        props = (feature or {}).get("properties") or {}
        geometry = (feature or {}).get("geometry") or {}
        code = props.get("code")
        if not code:
            raise ReferenceDataError(path, f"feature {i}: missing property 'code'")
        if geometry.get("type") not in ("Polygon", "MultiPolygon") or not geometry.get(
            "coordinates"
        ):
            raise ReferenceDataError(
                path, f"feature {i} (code {code}): expected a Polygon or MultiPolygon geometry"
            )
        out[str(code)] = geometry
    if not out:
        raise ReferenceDataError(path, "no features")
    return out


def parse_coordinate(path: Path, line: int, column: str, value: str, limit: float):
    """A latitude or longitude in decimal degrees, or None when empty."""

    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise ReferenceDataError(
            path,
            f"line {line}, column {column}: {value!r} is not a coordinate in decimal degrees "
            f"(expected a number between -{limit:g} and {limit:g})",
        )
    return number
