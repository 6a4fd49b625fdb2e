"""NAF rev. 2 (five levels), the 18 filières of the seed report and the NAF → filière table."""

import csv
import json
import os
import re
from pathlib import Path

from django.conf import settings

from activities.models import Filiere, NafCode

DATA = Path(settings.BASE_DIR) / "activities" / "data"
# The seed sits beside the reference bundle in shared/ (MAPSTER_REFERENCE_DIR/../seeds).
SEED = Path(os.environ["MAPSTER_REFERENCE_DIR"]).parent / "seeds" / "000_ee3fb824a47983ca.txt"
NAF_JSON = Path(settings.BASE_DIR) / "node_modules" / "@socialgouv" / "codes-naf" / "index.json"


def _seed_filieres() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    block = text.split("### Les filières :", 1)[1].split("##", 1)[0]
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    merged = []
    for line in lines:
        # A line ending with a comma continues on the next one.
        if merged and merged[-1].endswith(","):
            merged[-1] = f"{merged[-1]} {line}"
        else:
            merged.append(line)
    return merged


def test_every_naf_subclass_is_mapped_or_left_out_with_a_reason():
    subclasses = {item["id"] for item in json.loads(NAF_JSON.read_text()) if len(item["id"]) == 6}
    assert len(subclasses) == 732
    with open(DATA / "naf_filieres.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["code"] for r in rows] == sorted(subclasses, key=[r["code"] for r in rows].index)
    assert {r["code"] for r in rows} == subclasses
    assert len(rows) == len(subclasses)
    slugs = {r["slug"] for r in csv.DictReader(open(DATA / "filieres.csv", encoding="utf-8"))}
    for row in rows:
        if row["filiere"]:
            assert row["filiere"] in slugs, row
            assert not row["exclusion_reason"], row
        else:
            assert len(row["exclusion_reason"]) > 20, row


def test_filieres_are_the_18_of_the_seed_report():
    with open(DATA / "filieres.csv", encoding="utf-8", newline="") as fh:
        names = [r["name"] for r in csv.DictReader(fh)]
    seed = [re.sub(r"\s+", " ", s) for s in _seed_filieres()]
    assert len(seed) == 18
    assert names == seed


def test_naf_levels_are_loaded_with_their_parents(reference):
    counts = {level: NafCode.objects.filter(level=level).count() for level in range(1, 6)}
    assert counts == {1: 21, 2: 88, 3: 272, 4: 615, 5: 732}
    aero = NafCode.objects.get(code="30.30Z")
    chain = [aero.code]
    node = aero
    while node.parent_id:
        node = node.parent
        chain.append(node.code)
    assert chain == ["30.30Z", "30.30", "30.3", "30", "C"]
    assert aero.filiere_id == "automobile-ferroviaire-aeronautique-navale"
    assert NafCode.objects.get(code="C").label == "Industrie manufacturière"
    # Only sub-classes carry a filière.
    assert not NafCode.objects.exclude(level=5).exclude(filiere=None).exists()


def test_filieres_have_french_and_english_names(reference):
    assert Filiere.objects.count() == 18
    meca = Filiere.objects.get(position=14)
    assert meca.name == "mécatronique, robotique, microtechniques, mécanique, métallurgie"
    assert meca.name_en.startswith("mechatronics")
    assert not Filiere.objects.filter(name_en="").exists()


def test_naf_api_filters_by_level_and_parent(client, reference):
    sections = client.get("/api/v1/naf?level=1").json()
    assert sections["count"] == 21
    children = client.get("/api/v1/naf?parent=30.3").json()
    assert [c["code"] for c in children["items"]] == ["30.30"]
    subclass = client.get("/api/v1/naf/30.30z").json()
    assert subclass["parent"] == "30.30"
    assert subclass["filiere"] == "automobile-ferroviaire-aeronautique-navale"
    by_filiere = client.get("/api/v1/naf?filiere=optique-photonique-laser").json()
    assert by_filiere["count"] == NafCode.objects.filter(filiere="optique-photonique-laser").count()
    response = client.get("/api/v1/naf/99.99Q")
    assert response.status_code == 404
    assert response.json() == {"detail": "Code NAF inconnu : « 99.99Q »."}
    assert client.get("/api/v1/naf?level=9").status_code == 422


def test_filieres_api_lists_the_18_in_report_order(client, reference):
    data = client.get("/api/v1/filieres").json()
    assert data["count"] == 18
    assert data["items"][0]["slug"] == "agriculture-viticulture-horticulture-sylviculture"
    assert data["items"][-1]["name"] == "TIC, numérique, logiciels"
    optics = client.get("/api/v1/filieres/optique-photonique-laser").json()
    assert optics["naf_codes"] == 5
    assert client.get("/api/v1/filieres/nope").status_code == 404
