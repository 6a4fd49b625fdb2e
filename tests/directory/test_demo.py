"""The generated demo network, and the demo members it gives the real pôles."""

import csv
import io
import os
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core import search
from directory.demo import DEMO_SIREN_PREFIX, clear_demo, generate
from directory.identifiers import siren_error, siret_error
from directory.models import Cluster, Company, Contact, Establishment, Membership
from directory.poles import load_poles
from territories.models import Commune
from tests.factories import (
    ClusterFactory,
    CommuneFactory,
    CompanyFactory,
    DepartementFactory,
    MembershipFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(db):
    region = RegionFactory()
    dep = DepartementFactory(region=region)
    other = DepartementFactory(code="81", name="Tarn", region=region)
    CommuneFactory()
    CommuneFactory(code="31069", name="Blagnac", population=25000, lat=43.64, lon=1.39)
    CommuneFactory(
        code="81004", name="Albi", departement=other, population=49000, lat=43.93, lon=2.15
    )
    return dep


def small(**kwargs):
    return generate(
        clusters=kwargs.pop("clusters", 8), companies=kwargs.pop("companies", 120), **kwargs
    )


def test_demo_network_is_flagged_as_demo_everywhere(communes):
    report = small()
    assert (report.clusters, report.companies) == (8, 120)
    assert not Cluster.objects.filter(is_demo=False).exists()
    assert not Company.objects.filter(is_demo=False).exists()
    assert not Establishment.objects.filter(is_demo=False).exists()
    assert not Membership.objects.filter(is_demo=False).exists()
    assert all(name.endswith("(démo)") for name in Cluster.objects.values_list("name", flat=True))
    assert all(name.endswith("(démo)") for name in Company.objects.values_list("name", flat=True))
    assert set(Cluster.objects.values_list("provenance", flat=True)) == {"demo"}
    emails = Contact.objects.values_list("email", flat=True)
    assert emails and all(e.endswith("@example.org") for e in emails)


def test_demo_identifiers_have_valid_keys_in_the_demo_range(communes):
    small()
    for siren in Company.objects.values_list("siren", flat=True):
        assert siren.startswith(DEMO_SIREN_PREFIX)
        assert siren_error(siren) is None
    for siret in Establishment.objects.values_list("siret", flat=True):
        assert siret_error(siret) is None


def test_companies_carry_a_loaded_naf_code_of_their_cluster_filiere(reference):
    small(clusters=18, companies=300)
    from activities.models import NafCode

    # ESS is a legal form, not an activity: the NAF mapping gives it no code, so its
    # demo members keep typical ESS activities from other filières.
    without_codes = {
        f
        for f in Cluster.objects.values_list("main_filiere", flat=True)
        if not NafCode.objects.filter(filiere=f).exists()
    }
    assert without_codes == {"economie-sociale-et-solidaire"}
    checked = 0
    for company in Company.objects.prefetch_related("memberships__cluster"):
        first = min(company.memberships.all(), key=lambda m: m.pk)
        assert company.naf.level == 5
        assert company.naf.parent_id is not None  # a real, loaded NAF code
        if first.cluster.main_filiere_id not in without_codes:
            assert company.naf.filiere_id == first.cluster.main_filiere_id
        checked += 1
    assert checked == 300
    # Every filière of the report is represented and every commune is a real one.
    assert Cluster.objects.values("main_filiere").distinct().count() == 18
    assert not Company.objects.filter(commune__isnull=True).exists()


def test_each_company_belongs_to_one_or_two_clusters(communes):
    small(companies=400)
    counts = {c.memberships.count() for c in Company.objects.prefetch_related("memberships")}
    assert counts <= {1, 2}
    assert 2 in counts


def test_companies_sit_in_real_communes_of_their_cluster_region(communes):
    small()
    assert set(Company.objects.values_list("commune__region", flat=True)) == {"76"}


def test_if_empty_does_nothing_when_demo_data_exists(communes):
    small()
    first = set(Company.objects.values_list("siren", flat=True))
    report = small(if_empty=True, seed=7)
    assert report.skipped
    assert set(Company.objects.values_list("siren", flat=True)) == first


def test_rerun_replaces_demo_data_and_keeps_real_records(communes):
    real = CompanyFactory(name="Vraie Entreprise")
    small(seed=1)
    small(seed=2, clusters=5, companies=50)
    assert Cluster.objects.filter(is_demo=True).count() == 5
    assert Company.objects.filter(is_demo=True).count() == 50
    assert Company.objects.filter(pk=real.pk).exists()


def test_same_seed_gives_the_same_network(communes):
    small(seed=3)
    first = list(Company.objects.order_by("siren").values_list("siren", "name", "commune"))
    small(seed=3)
    assert list(Company.objects.order_by("siren").values_list("siren", "name", "commune")) == first


def test_demo_network_is_searchable(communes):
    small()
    assert search.indexed_count("company") == 120
    some = Company.objects.first()
    word = some.name.split()[0]
    assert some in search.filter_queryset(Company.objects.all(), "company", word)


def test_demo_without_communes_asks_for_the_reference(db):
    with pytest.raises(CommandError, match="mapster reference load"):
        call_command("demo", "--clusters", "2", "--companies", "4")


def test_demo_command_if_empty_and_clear(communes, capsys):
    call_command("demo", "--clusters", "3", "--companies", "30", "--if-empty")
    assert "3 clusters, 30 entreprises" in capsys.readouterr().out
    call_command("demo", "--if-empty")
    assert "rien à faire" in capsys.readouterr().out
    call_command("demo", "--clear")
    assert not Company.objects.exists()
    assert search.indexed_count("company") == 0


# Real pôles --------------------------------------------------------------------------

NOTICE = (
    "Les entreprises adhérentes affichées sont des données de démonstration générées : "
    "la liste réelle des adhérents de ce pôle n'est pas publiée."
)


@pytest.fixture
def poles(reference):
    load_poles(Path(os.environ["MAPSTER_REFERENCE_DIR"]))
    return Cluster.objects.filter(kind=Cluster.Kind.POLE, is_demo=False)


def pole_snapshot(poles):
    """Every field of every pôle, with its filières and régions."""
    fields = [f.attname for f in Cluster._meta.concrete_fields]  # updated_at included
    return {p["slug"]: p for p in poles.values(*fields)} | {
        f"{c.slug}:m2m": (
            sorted(c.filieres.values_list("slug", flat=True)),
            sorted(c.regions.values_list("code", flat=True)),
        )
        for c in poles
    }


def test_demo_gives_real_poles_demo_members_and_leaves_the_poles_real(poles):
    before = pole_snapshot(poles)
    assert poles.count() == 57
    generate(clusters=80, companies=3000)
    assert pole_snapshot(poles) == before
    assert set(poles.values_list("provenance", flat=True)) == {"reference"}
    loaded_regions = set(Commune.objects.values_list("region_id", flat=True))
    for pole in poles.prefetch_related("filieres", "regions"):
        members = Membership.objects.filter(cluster=pole).select_related("company__naf")
        assert members.exists(), pole.slug
        assert all(m.is_demo and m.company.is_demo for m in members)
        assert all(m.company.name.endswith("(démo)") for m in members)
        filieres = {f.slug for f in pole.filieres.all()}
        if filieres:
            # Real NAF sub-classes of the pôle's own filières.
            assert {m.company.naf.filiere_id for m in members} <= filieres, pole.slug
        regions = {r.code for r in pole.regions.all()}
        if regions & loaded_regions:
            member_regions = set(members.values_list("company__commune__region", flat=True))
            assert member_regions <= regions, pole.slug
    # Communes are drawn by population: Toulouse leads Aerospace Valley's members.
    aerospace = Membership.objects.filter(cluster__slug="aerospace-valley")
    communes = Counter(aerospace.values_list("company__commune__name", flat=True))
    assert communes.most_common(1)[0][0] == "Toulouse"


def test_demo_totals_400_clusters_with_the_real_poles(poles):
    # A real cluster with one real member counts in both totals, and keeps its member.
    real = ClusterFactory(slug="vrai-cluster", commune=Commune.objects.get(code="31555"))
    MembershipFactory(cluster=real, company=CompanyFactory(commune=real.commune))
    report = generate(clusters=400, companies=1000)
    assert Cluster.objects.count() == 400
    assert Cluster.objects.filter(is_demo=True).count() == report.clusters == 400 - 58
    members = Company.objects.filter(memberships__isnull=False).distinct()
    assert members.count() == 1000
    assert members.filter(is_demo=True).count() == report.companies == 999
    assert list(real.memberships.values_list("is_demo", flat=True)) == [False]
    assert "le réseau compte 400 clusters et 1000 entreprises adhérentes" in report.summary()


def test_pole_with_real_members_gets_no_demo_members(poles):
    pole = poles.get(slug="aerospace-valley")
    MembershipFactory(cluster=pole, company=CompanyFactory(commune=pole.commune))
    generate(clusters=80, companies=1000)
    assert list(pole.memberships.values_list("is_demo", flat=True)) == [False]
    assert Membership.objects.filter(cluster__slug="cap-digital", is_demo=True).exists()


def test_clear_demo_keeps_real_poles(poles):
    before = pole_snapshot(poles)
    generate(clusters=80, companies=1000)
    clear_demo()
    assert pole_snapshot(poles) == before
    assert not Membership.objects.exists()
    assert not Company.objects.exists()
    assert not Cluster.objects.filter(is_demo=True).exists()
    # And --if-empty generates again once the demo is gone.
    assert not generate(clusters=80, companies=1000, if_empty=True).skipped
    assert generate(clusters=80, companies=1000, if_empty=True).skipped


def test_demo_rejects_too_few_companies_for_the_poles(poles):
    with pytest.raises(Exception, match="ne suffisent pas"):
        generate(clusters=80, companies=50)
    assert poles.count() == 57


def test_real_pole_profile_says_its_members_are_demo(poles, client):
    generate(clusters=80, companies=1000)
    page = client.get("/annuaire/aerospace-valley/").content.decode()
    assert NOTICE in page
    # The notice sits above the members table, and each row keeps its badge.
    assert page.index(NOTICE) < page.index('<table class="members">')
    table = page[page.index('<table class="members">') :]
    assert table.count('<span class="badge badge-demo">démo</span>') == table.count("<tr>") - 1
    # A generated cluster has its own banner, not the pôle's notice.
    demo = Cluster.objects.filter(is_demo=True).first()
    assert NOTICE not in client.get(f"/annuaire/{demo.slug}/").content.decode()
    # The directory card of the pôle flags its member count as demo.
    listing = client.get("/annuaire/?q=aerospace").content.decode()
    card = listing[listing.index('data-cluster="aerospace-valley"') :]
    card = card[: card.index("</li>")]
    assert "badge-demo" in card


def test_real_cluster_with_real_members_shows_no_demo_notice(poles, client):
    real = ClusterFactory(slug="vrai-cluster", commune=Commune.objects.get(code="31555"))
    MembershipFactory(cluster=real, company=CompanyFactory(commune=real.commune))
    generate(clusters=80, companies=1000)
    page = client.get("/annuaire/vrai-cluster/").content.decode()
    assert NOTICE not in page and "badge-demo" not in page


def test_real_pole_members_export_says_they_are_demo(poles, client):
    generate(clusters=80, companies=1000)
    body = b"".join(client.get("/annuaire/aerospace-valley/?export=csv").streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == Membership.objects.filter(cluster__slug="aerospace-valley").count() > 0
    assert {r["Démonstration"] for r in rows} == {"oui"}
    clusters = b"".join(client.get("/annuaire/?kind=pole&export=csv").streaming_content)
    rows = {
        r["Nom"]: r
        for r in csv.DictReader(io.StringIO(clusters.decode("utf-8-sig")), delimiter=";")
    }
    pole = rows["Aerospace Valley"]
    assert pole["Démonstration"] == "non"
    assert pole["Dont adhérents de démonstration"] == pole["Entreprises adhérentes"] != "0"


def test_demo_headcounts_give_about_the_seeds_jobs_per_member():
    from core.insee import HEADCOUNT_BANDS
    from directory.demo_data import HEADCOUNT_WEIGHTS

    total = sum(HEADCOUNT_WEIGHTS.values())
    mean = sum(w * HEADCOUNT_BANDS[band][1] for band, w in HEADCOUNT_WEIGHTS.items()) / total
    # The seed: 1,000,000 jobs for 80,000 member companies, 12.5 each; SMEs dominate.
    assert 11.5 <= mean <= 13.5
