"""The choropleth's boundaries with counts: cached, current, gzipped, rounded."""

import gzip
import json

import pytest
from django.core.cache import cache

from core.insee import HEADCOUNT_BANDS
from territories import geo
from tests.factories import (
    ClusterFactory,
    CommuneFactory,
    CompanyFactory,
    DepartementFactory,
    MembershipFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

# A ring of 200 points with 9 decimals, as outlines come from the source files: large
# enough for gzip, which leaves bodies under 200 bytes alone.
RING = [[1.123456789, 43.987654321], [1.5, 43.987654321], [1.5, 44.25]] + [
    [round(1.5 - i * 0.001234567, 9), round(44.25 - i * 0.001111111, 9)] for i in range(1, 200)
]
SQUARE = {"type": "Polygon", "coordinates": [RING + [RING[0]]]}


@pytest.fixture(autouse=True)
def empty_cache():
    # The cache outlives each test's database: start every test without a stored body.
    cache.clear()
    geo._shapes.clear()
    yield
    cache.clear()


@pytest.fixture
def occitanie(db):
    region = RegionFactory(geometry=SQUARE)
    dep = DepartementFactory(region=region, geometry=SQUARE)
    commune = CommuneFactory(departement=dep)
    cluster = ClusterFactory(commune=commune)
    MembershipFactory(cluster=cluster, company=CompanyFactory(commune=commune))
    return cluster


def features(response):
    return {f["properties"]["code"]: f for f in json.loads(response.content)["features"]}


@pytest.mark.parametrize("level,code", [("regions", "76"), ("departements", "31")])
def test_boundaries_carry_counts_and_coordinates_rounded_to_4_decimals(
    client, occitanie, level, code
):
    response = client.get(f"/api/v1/geo/{level}.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    feature = features(response)[code]
    assert feature["properties"]["clusters"] == 1
    assert feature["properties"]["members"] == 1
    assert feature["geometry"]["coordinates"][0][0] == [1.1235, 43.9877]
    assert feature["geometry"]["coordinates"][0][2] == [1.5, 44.25]


def test_counts_change_at_once_after_an_edit(client, occitanie):
    first = features(client.get("/api/v1/geo/regions.geojson"))["76"]["properties"]
    MembershipFactory(cluster=occitanie, company=CompanyFactory(commune=occitanie.commune))
    ClusterFactory(commune=occitanie.commune)
    again = features(client.get("/api/v1/geo/regions.geojson"))["76"]["properties"]
    assert (first["members"], first["clusters"]) == (1, 1)
    assert (again["members"], again["clusters"]) == (2, 2)
    occitanie.memberships.all().delete()
    last = features(client.get("/api/v1/geo/regions.geojson"))["76"]["properties"]
    assert last["members"] == 0


def test_unchanged_data_is_served_from_the_cache_without_counting(client, occitanie, monkeypatch):
    body = client.get("/api/v1/geo/departements.geojson").content

    def recount(level):
        raise AssertionError("counted again although nothing changed")

    monkeypatch.setattr(geo, "_counts", recount)
    assert client.get("/api/v1/geo/departements.geojson").content == body


def test_boundaries_are_gzipped_when_the_client_accepts_it(client, occitanie):
    plain = client.get("/api/v1/geo/regions.geojson")
    zipped = client.get("/api/v1/geo/regions.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain.content


def test_unchanged_boundaries_revalidate_with_304(client, occitanie):
    first = client.get("/api/v1/geo/regions.geojson")
    again = client.get("/api/v1/geo/regions.geojson", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    MembershipFactory(cluster=occitanie, company=CompanyFactory(commune=occitanie.commune))
    changed = client.get("/api/v1/geo/regions.geojson", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200


def test_map_points_are_gzipped_but_pages_with_csrf_tokens_are_not(client, occitanie):
    for _ in range(30):
        MembershipFactory(cluster=occitanie, company=CompanyFactory(commune=occitanie.commune))
    points = client.get("/carte/points.json", HTTP_ACCEPT_ENCODING="gzip")
    assert points["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(points.content))["members"]
    # No site-wide compression: HTML pages carry CSRF tokens (BREACH).
    page = client.get("/carte/", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and "Content-Encoding" not in page


def test_a_reference_reload_replaces_the_kept_boundaries(client, occitanie):
    client.get("/api/v1/geo/regions.geojson")
    from territories.models import Region

    moved = {"type": "Polygon", "coordinates": [[[2.0, 45.0], [2.5, 45.0], [2.0, 45.5]]]}
    RegionFactory(code="84", name="Auvergne-Rhône-Alpes", geometry=moved)
    Region.objects.filter(code="76").update(geometry=moved)
    response = features(client.get("/api/v1/geo/regions.geojson"))
    assert set(response) == {"76", "84"}
    assert response["76"]["geometry"] == moved


def test_a_member_of_two_clusters_counts_once_with_its_jobs(client, occitanie):
    company = occitanie.memberships.get().company  # band 11: 10 to 19 employees
    MembershipFactory(cluster=ClusterFactory(commune=occitanie.commune), company=company)
    MembershipFactory(cluster=occitanie, company=CompanyFactory(commune=occitanie.commune))
    props = features(client.get("/api/v1/geo/departements.geojson"))["31"]["properties"]
    assert (props["clusters"], props["members"]) == (2, 2)
    # Two companies of band 11 (10 to 19 employees), each counted once.
    assert props["jobs"] == int(2 * HEADCOUNT_BANDS["11"][1])
