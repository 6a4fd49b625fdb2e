"""The generated demo network."""

import pytest
from django.core.management import CommandError, call_command

from core import search
from directory.demo import DEMO_SIREN_PREFIX, generate
from directory.identifiers import siren_error, siret_error
from directory.models import Cluster, Company, Contact, Establishment, Membership
from tests.factories import CommuneFactory, CompanyFactory, DepartementFactory, RegionFactory

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
