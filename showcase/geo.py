"""Points for the catalogue's map."""


def _ring_centroid(ring: list) -> tuple[float, float, float]:
    """Area-weighted centroid of a closed lon/lat ring (shoelace formula) and its area."""

    area = cx = cy = 0.0
    for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * area), cy / (3 * area), abs(area) / 2


def region_centroid(region) -> tuple[float, float] | None:
    """(lat, lon) of the centroid of the région's largest polygon.

    The largest polygon only, so that a région's islands do not pull its point into
    the sea. None when the région has no boundary loaded.
    """

    geometry = region.geometry
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    rings = [p[0] for p in polygons if p and len(p[0]) > 2]
    if not rings:
        return None
    lon, lat, _ = max((_ring_centroid(r) for r in rings), key=lambda c: c[2])
    return lat, lon
