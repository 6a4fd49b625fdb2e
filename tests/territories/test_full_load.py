"""The full national reference bundle (slow: every commune of France)."""

import pytest

from territories.loader import load
from territories.models import EPCI, Commune, Departement

pytestmark = pytest.mark.slow


def test_full_load_of_the_national_bundle(client, db):
    first = load()
    assert first.changes > 90_000

    regions = client.get("/api/v1/regions").json()
    assert regions["count"] == 18
    assert Departement.objects.count() == 101
    assert EPCI.objects.count() == 1255
    communes = Commune.objects.filter(kind=Commune.Kind.COMMUNE)
    assert 34_800 < communes.count() < 35_000
    assert Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).count() == 45
    placed = communes.exclude(lat=None).count()
    assert placed / communes.count() >= 0.995
    assert client.get("/api/v1/communes/14011").json()["code"] == "14581"

    again = load()
    assert again.changes == 0
    assert again.summary_lines()[-1] == "0 changes"
