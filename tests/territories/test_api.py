"""API v1 over the reference geography: paginated lists with a total count, 404 JSON."""

import pytest

pytestmark = pytest.mark.usefixtures("reference")


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    return response.json()


def test_regions_list_gives_the_18_regions_with_a_count(client):
    data = get(client, "/api/v1/regions")
    assert data["count"] == 18
    by_code = {r["code"]: r for r in data["items"]}
    assert by_code["76"]["name"] == "Occitanie"
    assert by_code["76"]["departements"] == 13
    assert by_code["04"]["zone"] == "drom"


def test_region_detail_and_unknown_region(client):
    assert get(client, "/api/v1/regions/11")["name"] == "Île-de-France"
    assert get(client, "/api/v1/regions/99", 404) == {"detail": "Code région inconnu : « 99 »."}
    english = client.get("/api/v1/regions/99", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"detail": "Unknown région code '99'."}


def test_departements_paginate_and_filter_by_region(client):
    page = get(client, "/api/v1/departements?page_size=10&page=2")
    assert page["count"] == 101
    assert len(page["items"]) == 10
    assert page["items"][0]["code"] == "11"
    occitanie = get(client, "/api/v1/departements?region=76")
    assert occitanie["count"] == 13
    assert {d["region"] for d in occitanie["items"]} == {"76"}
    assert get(client, "/api/v1/departements/2a")["name"] == "Corse-du-Sud"
    assert "detail" in get(client, "/api/v1/departements/00", 404)


def test_epci_filter_by_departement_and_name(client):
    data = get(client, "/api/v1/epci?departement=31")
    assert data["count"] == len(data["items"]) > 10
    metropole = get(client, "/api/v1/epci?q=toulouse%20m%C3%A9tropole")
    assert metropole["count"] == 1
    siren = metropole["items"][0]["siren"]
    detail = get(client, f"/api/v1/epci/{siren}")
    assert detail["kind"] == "METRO"
    assert detail["communes"] == 37
    get(client, "/api/v1/epci/000000000", 404)


def test_communes_filter_by_code_name_prefix_and_departement(client):
    assert get(client, "/api/v1/communes?code=31555")["items"][0]["name"] == "Toulouse"
    saints = get(client, "/api/v1/communes?q=st%20orens&departement=31")
    assert [c["code"] for c in saints["items"]] == ["31506"]
    gironde = get(client, "/api/v1/communes?departement=33&page_size=5")
    assert gironde["count"] > 500
    assert len(gironde["items"]) == 5
    assert {c["departement"] for c in gironde["items"]} == {"33"}
    accents = get(client, "/api/v1/communes?q=BEGLES")
    assert [c["name"] for c in accents["items"]] == ["Bègles"]


def test_commune_detail_accepts_former_codes(client):
    lyon = get(client, "/api/v1/communes/69232")
    assert lyon["code"] == "69123"
    assert "69232" in lyon["former_codes"]
    toulouse = get(client, "/api/v1/communes/31555")
    assert toulouse["programmes"]["crte"]
    assert toulouse["lat"] is not None
    dunkerque = get(client, "/api/v1/communes/59183")
    assert "aa-dunkerque-flandre-2023-2027" in dunkerque["territoires_industrie"]
    assert get(client, "/api/v1/communes/99999", 404) == {
        "detail": "Code commune inconnu : « 99999 »."
    }


def test_zones_emploi_list_and_detail(client):
    data = get(client, "/api/v1/zones-emploi?page_size=50")
    assert data["count"] == 306
    assert len(data["items"]) == 50
    toulouse = get(client, "/api/v1/zones-emploi/7625")
    assert toulouse["name"] == "Toulouse"
    assert toulouse["communes"] > 0
    get(client, "/api/v1/zones-emploi/0000", 404)


def test_territoires_industrie_list_filters_and_detail(client):
    second = get(client, "/api/v1/territoires-industrie?generation=2023-2027")
    assert second["count"] == 183
    first = get(client, "/api/v1/territoires-industrie?generation=2018-2022")
    assert first["count"] == 73
    nord = get(client, "/api/v1/territoires-industrie?q=dunkerque&generation=2023-2027")
    slug = nord["items"][0]["slug"]
    detail = get(client, f"/api/v1/territoires-industrie/{slug}")
    assert detail["departements"] == ["59", "62"]
    assert detail["communes"] == len(detail["commune_codes"]) > 0
    assert detail["epcis"]
    get(client, "/api/v1/territoires-industrie/nope", 404)


def test_invalid_pagination_is_a_422_json(client):
    data = get(client, "/api/v1/communes?page=0", 422)
    assert data["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/communes/%00",
        "/api/v1/communes?q=%00",
        "/api/v1/epci?departement=%00",
        "/api/v1/territoires-industrie/%00",
        "/api/v1/naf?parent=%00",
        "/api/v1/filieres/%00",
        "/api/v1/communes?page=99999999999999999999",
    ],
)
def test_malformed_input_is_a_422_json_not_a_500(client, url):
    data = get(client, url, 422)
    assert data["detail"] == "Requête invalide."
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "Invalid request."


def test_page_size_is_capped(client):
    data = get(client, "/api/v1/communes?page_size=100000")
    assert data["count"] > 2000
    assert len(data["items"]) == 100


NASTY = [
    "",
    " ",
    "%00",
    "'",
    '"',
    "%",
    "_",
    "é",
    "-1",
    "1e309",
    "99999999999999999999",
    "a" * 300,
    "%F0%9F%98%80",
    "%C3%28",
    "..%2F..",
]
DETAILS = [
    "regions",
    "departements",
    "epci",
    "communes",
    "zones-emploi",
    "territoires-industrie",
    "naf",
    "filieres",
]
LIST_PARAMS = {
    "regions": ["page", "page_size"],
    "departements": ["region"],
    "epci": ["q", "departement"],
    "communes": ["code", "q", "departement", "page"],
    "territoires-industrie": ["generation", "region", "q"],
    "naf": ["level", "parent", "filiere", "q"],
}


def test_api_never_answers_500_to_malformed_input(client):
    failures = []
    for endpoint in DETAILS:
        for value in NASTY:
            url = f"/api/v1/{endpoint}/{value}"
            if client.get(url).status_code >= 500:
                failures.append(url)
    for endpoint, params in LIST_PARAMS.items():
        for param in params:
            for value in NASTY:
                url = f"/api/v1/{endpoint}?{param}={value}"
                if client.get(url).status_code >= 500:
                    failures.append(url)
    assert failures == []
