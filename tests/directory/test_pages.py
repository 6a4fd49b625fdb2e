"""Directory pages: lists with facets and search, profiles, exports, map data."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from tests.directory.scene import scene_fixture  # noqa: F401 (the "scene" fixture)
from tests.factories import ClusterFactory, UserFactory

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    return re.findall(r'data-cluster="([^"]+)"', response.content.decode())


def facet_counts(response, facet: str) -> dict[str, int]:
    html = response.content.decode()
    block = re.search(rf'data-facet="{facet}">(.*?)</fieldset>', html, re.S).group(1)
    return {
        value: int(count)
        for value, count in re.findall(
            r'value="([^"]+)"[^>]*>.*?<span class="count"[^>]*>(\d+)</span>', block, re.S
        )
    }


def test_directory_lists_visible_clusters_and_never_hidden_ones(client, scene):
    response = client.get("/annuaire/")
    assert response.status_code == 200
    assert sorted(slugs(response)) == ["aerospace-valley", "agri-sud", "grappe-bois"]


def test_directory_badges_demo_clusters(client, scene):
    html = client.get("/annuaire/").content.decode()
    demo_card = html.split('data-cluster="grappe-bois"')[1].split("</li>")[0]
    real_card = html.split('data-cluster="agri-sud"')[1].split("</li>")[0]
    assert "badge-demo" in demo_card and "démo" in demo_card
    assert "badge-demo" not in real_card


def test_search_is_accent_insensitive_and_stemmed(client, scene):
    # "aeronautiques" (no accent, plural) finds "l'aéronautique" in the description.
    assert slugs(client.get("/annuaire/?q=aeronautiques")) == ["aerospace-valley"]


def test_facet_counts_reflect_the_other_filters(client, scene):
    response = client.get("/annuaire/?region=76")
    assert sorted(slugs(response)) == ["aerospace-valley", "agri-sud"]
    # Kind counts are among Occitanie's clusters; the région facet ignores its own filter.
    assert facet_counts(response, "kind") == {"pole": 1, "cluster": 1}
    assert facet_counts(response, "region") == {"76": 2, "75": 1}


def test_facets_combine_and_values_of_one_facet_are_alternatives(client, scene):
    assert slugs(client.get("/annuaire/?kind=pole&region=76")) == ["aerospace-valley"]
    both = slugs(client.get("/annuaire/?kind=pole&kind=grappe"))
    assert sorted(both) == ["aerospace-valley", "grappe-bois"]


def test_territoire_facet_finds_clusters_through_their_members_communes(client, scene):
    response = client.get("/annuaire/?ti=toulouse-aero")
    assert sorted(slugs(response)) == ["aerospace-valley", "agri-sud"]
    assert facet_counts(client.get("/annuaire/"), "ti") == {"toulouse-aero": 2}


def test_label_and_filiere_facets(client, scene):
    assert slugs(client.get("/annuaire/?label=pole-phase-v")) == ["aerospace-valley"]
    assert slugs(client.get(f"/annuaire/?filiere={scene['aero'].slug}")) == ["aerospace-valley"]


def test_demo_filter_separates_real_from_demo(client, scene):
    assert slugs(client.get("/annuaire/?demo=1")) == ["grappe-bois"]
    assert "grappe-bois" not in slugs(client.get("/annuaire/?demo=0"))


def test_htmx_request_gets_only_the_results_part(client, scene):
    response = client.get("/annuaire/?kind=pole", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert slugs(response) == ["aerospace-valley"]


def test_sort_and_pagination_keep_the_filters_in_links(client, scene):
    ClusterFactory.create_batch(25, commune=scene["pole"].commune, kind="cluster")
    response = client.get("/annuaire/?kind=cluster&sort=-members")
    html = response.content.decode()
    assert "Page 1 sur 2" in html
    assert re.search(r'href="\?kind=cluster&amp;sort=-members&amp;page=2"', html)
    # Sorted by member count: Agri Sud (2 members) first.
    assert slugs(response)[0] == "agri-sud"


def test_unknown_parameters_do_not_break_the_page(client, scene):
    response = client.get("/annuaire/?sort=drop+table&page=abc&kind=nope&headcount=zz")
    assert response.status_code == 200
    assert slugs(response) == []


def test_cluster_profile_shows_identity_territories_and_members(client, scene):
    html = client.get("/annuaire/aerospace-valley/").content.decode()
    assert "<h1>Aerospace Valley" in html
    assert "Pôle de compétitivité labellisé phase V" in html
    assert "Occitanie" in html
    assert 'href="/annuaire/?ti=toulouse-aero">Toulouse aéro</a>' in html
    assert "Avions du Sud" in html and "Moteurs Colomiers" in html
    assert "Boulangerie Occitane" not in html
    assert 'data-points="/carte/points.json?cluster=aerospace-valley"' in html


def test_hidden_cluster_profile_is_not_found_for_the_public(client, scene):
    assert client.get("/annuaire/cache/").status_code == 404


def test_members_table_filters_by_search_and_headcount(client, scene):
    html = client.get("/annuaire/aerospace-valley/?q=moteurs").content.decode()
    assert "Moteurs Colomiers" in html and "Avions du Sud" not in html
    html = client.get("/annuaire/aerospace-valley/?headcount=41").content.decode()
    assert "Avions du Sud" in html and "Moteurs Colomiers" not in html


def test_members_export_csv_opens_in_french_excel(client, scene):
    response = client.get("/annuaire/aerospace-valley/?export=csv")
    assert response["Content-Disposition"] == 'attachment; filename="membres-aerospace-valley.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["SIREN", "Raison sociale"]
    assert sorted(r[1] for r in rows[1:]) == ["Avions du Sud", "Moteurs Colomiers"]
    assert "500 à 999 salariés" in {r[5] for r in rows[1:]}


def test_exports_neutralise_formulas_from_imported_names(client, scene):
    company = scene["moteurs"]
    company.name = '=HYPERLINK("http://x";"clic")'
    company.save()
    text = b"".join(client.get("/annuaire/aerospace-valley/?export=csv").streaming_content)
    assert "'=HYPERLINK" in text.decode()
    data = client.get("/annuaire/aerospace-valley/?export=xlsx").content
    names = [row[1] for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x";"clic")' in names


def test_filtered_cluster_list_exports_as_geojson(client, scene):
    response = client.get("/annuaire/?region=76&export=geojson")
    data = json.loads(b"".join(response.streaming_content))
    names = sorted(f["properties"]["Nom"] for f in data["features"])
    assert names == ["Aerospace Valley", "Agri Sud"]
    assert data["features"][0]["geometry"]["coordinates"] == [1.4329, 43.6007]


def test_companies_list_filters_by_naf_cluster_and_department(client, scene):
    def names(url):
        return re.findall(
            r'<a href="/entreprises/\d+/">([^<]+)</a>', client.get(url).content.decode()
        )

    assert sorted(names("/annuaire/entreprises/?naf=30")) == ["Avions du Sud", "Moteurs Colomiers"]
    assert names("/annuaire/entreprises/?cluster=agri-sud&naf=10.71C") == ["Boulangerie Occitane"]
    assert names("/annuaire/entreprises/?departement=33") == ["Scierie démo"]
    assert names("/annuaire/entreprises/?q=boulangeries") == ["Boulangerie Occitane"]
    # Members of hidden clusters stay out of the public list.
    assert "Secrète SA" not in names("/annuaire/entreprises/")


def test_company_profile_shows_headcount_label_and_clusters(client, scene):
    html = client.get(f"/entreprises/{scene['airbus'].siren}/").content.decode()
    assert "500 à 999 salariés" in html
    assert "30.30Z" in html
    assert 'href="/annuaire/aerospace-valley/"' in html and 'href="/annuaire/agri-sud/"' in html
    assert 'data-point="43.630000,1.370000"' in html


def test_company_only_in_a_hidden_cluster_is_not_public(client, scene):
    assert client.get(f"/entreprises/{scene['secret'].siren}/").status_code == 404


def test_map_points_are_compact_arrays_of_visible_members(client, scene):
    data = client.get("/carte/points.json").json()
    assert data["fields"]["members"] == ["lat", "lon", "id"]
    ids = {row[2] for row in data["members"]}
    visible = {scene[k].pk for k in ("airbus", "moteurs", "pain", "bois")}
    assert ids == visible
    airbus = next(r for r in data["members"] if r[2] == scene["airbus"].pk)
    assert airbus[:2] == [43.63, 1.37]
    # A company without its own position sits at its commune's centre.
    moteurs = next(r for r in data["members"] if r[2] == scene["moteurs"].pk)
    assert moteurs[:2] == [43.611, 1.335]
    assert {row[3] for row in data["clusters"]} == {"aerospace-valley", "agri-sud", "grappe-bois"}


def test_map_points_share_the_directory_filters(client, scene):
    data = client.get("/carte/points.json?kind=pole").json()
    assert [row[3] for row in data["clusters"]] == ["aerospace-valley"]
    assert {row[2] for row in data["members"]} == {scene["airbus"].pk, scene["moteurs"].pk}
    one = client.get("/carte/points.json?cluster=agri-sud").json()
    assert {row[2] for row in one["members"]} == {scene["airbus"].pk, scene["pain"].pk}


def test_map_points_are_gzipped_for_clients_that_accept_it(client, scene):
    response = client.get("/carte/points.json", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"


def test_map_points_follow_changes_despite_the_cache(client, scene):
    before = client.get("/carte/points.json?kind=pole").json()
    scene["moteurs"].memberships.all().delete()
    after = client.get("/carte/points.json?kind=pole").json()
    assert len(after["members"]) == len(before["members"]) - 1


def test_map_popup_links_to_the_company_profile(client, scene):
    html = client.get(f"/carte/entreprise/{scene['airbus'].pk}/").content.decode()
    assert f'href="/entreprises/{scene["airbus"].siren}/"' in html
    assert client.get(f"/carte/entreprise/{scene['secret'].pk}/").status_code == 404


def test_territoires_layer_is_a_hull_of_the_communes_centres(client, scene):
    data = client.get("/carte/territoires.geojson").json()
    (feature,) = data["features"]
    assert feature["properties"]["name"] == "Toulouse aéro"
    assert feature["properties"]["url"] == "/annuaire/?ti=toulouse-aero"
    assert feature["geometry"]["type"] == "Polygon"
    ring = feature["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 4


def test_map_page_keeps_the_filters_of_the_url(client, scene):
    html = client.get("/carte/?kind=pole&ti=toulouse-aero").content.decode()
    assert '<option value="pole" selected>' in html
    assert '<input type="hidden" name="ti" value="toulouse-aero">' in html


def test_restricted_cluster_is_listed_for_signed_in_users_only(client, scene):
    ClusterFactory(slug="reserve", name="Réservé", visibility="restricted")
    assert "reserve" not in slugs(client.get("/annuaire/"))
    client.force_login(UserFactory())
    assert "reserve" in slugs(client.get("/annuaire/"))


def test_manager_sees_import_link_for_their_cluster(client, scene):
    user = UserFactory()
    Role.objects.create(user=user, kind=Role.Kind.MANAGER, cluster=scene["pole"])
    client.force_login(user)
    html = client.get("/annuaire/aerospace-valley/").content.decode()
    assert 'href="/annuaire/aerospace-valley/modifier/"' in html
    assert "Importer des adhérents" in html
    assert "modifier" not in client.get("/annuaire/agri-sud/").content.decode()


def test_searching_sorts_by_relevance_unless_another_sort_is_chosen(client, scene):
    html = client.get("/annuaire/?q=aeronautique&sort=").content.decode()
    assert '<option value="" selected>Pertinence</option>' in html
    html = client.get("/annuaire/?q=aeronautique&sort=name").content.decode()
    assert '<option value="name" selected>Nom (A à Z)</option>' in html
    html = client.get("/annuaire/").content.decode()
    assert '<option value="" selected>Nom (A à Z)</option>' in html


def test_ticked_facet_values_come_first_and_stay_visible_without_results(client, scene):
    response = client.get("/annuaire/?region=75&kind=pole")
    assert slugs(response) == []
    counts = facet_counts(response, "region")
    assert list(counts)[0] == "75"
    assert facet_counts(response, "kind")["pole"] == 0
