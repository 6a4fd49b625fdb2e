"""A small directory for the page tests: two régions, a Territoire d'industrie,
a pôle, a cluster, a demo grappe, a hidden cluster and their members."""

import pytest

from territories.models import TerritoireIndustrie
from tests.factories import (
    ClusterFactory,
    CommuneFactory,
    CompanyFactory,
    DepartementFactory,
    FiliereFactory,
    MembershipFactory,
    NafCodeFactory,
    RegionFactory,
)


@pytest.fixture(name="scene")
def scene_fixture(db):
    occitanie = RegionFactory(code="76", name="Occitanie")
    aquitaine = RegionFactory(code="75", name="Nouvelle-Aquitaine")
    toulouse = CommuneFactory()
    blagnac = CommuneFactory(
        code="31069", name="Blagnac", departement=toulouse.departement, lat=43.637, lon=1.390
    )
    colomiers = CommuneFactory(
        code="31149", name="Colomiers", departement=toulouse.departement, lat=43.611, lon=1.335
    )
    gironde = DepartementFactory(code="33", name="Gironde", region=aquitaine)
    bordeaux = CommuneFactory(
        code="33063", name="Bordeaux", departement=gironde, region=aquitaine, lat=44.85, lon=-0.58
    )
    aero = FiliereFactory()
    agro = FiliereFactory(slug="agroalimentaire", name="agroalimentaire")
    naf_aero = NafCodeFactory(filiere=aero)
    naf_agro = NafCodeFactory(code="10.71C", label="Boulangerie", filiere=agro)
    ti = TerritoireIndustrie.objects.create(
        slug="toulouse-aero", name="Toulouse aéro", generation="2023-2027", region=occitanie
    )
    ti.communes.set([toulouse, blagnac, colomiers])

    pole = ClusterFactory(
        name="Aerospace Valley",
        acronym="AV",
        slug="aerospace-valley",
        kind="pole",
        commune=toulouse,
        main_filiere=aero,
        labels=["pole-phase-v"],
        description="Pôle de compétitivité de l'aéronautique et de l'espace.",
    )
    pole.regions.add(occitanie)
    pole.filieres.add(aero)
    agri = ClusterFactory(
        name="Agri Sud", slug="agri-sud", kind="cluster", commune=toulouse, main_filiere=agro
    )
    agri.filieres.add(agro)
    demo = ClusterFactory(
        name="Grappe Bois Aquitaine",
        slug="grappe-bois",
        kind="grappe",
        commune=bordeaux,
        is_demo=True,
    )
    hidden = ClusterFactory(name="Cluster caché", slug="cache", visibility="hidden")

    airbus = CompanyFactory(
        name="Avions du Sud",
        naf=naf_aero,
        commune=blagnac,
        headcount_band="41",
        lat=43.63,
        lon=1.37,
    )
    moteurs = CompanyFactory(name="Moteurs Colomiers", naf=naf_aero, commune=colomiers)
    pain = CompanyFactory(name="Boulangerie Occitane", naf=naf_agro, commune=toulouse)
    bois = CompanyFactory(name="Scierie démo", commune=bordeaux, is_demo=True)
    secret = CompanyFactory(name="Secrète SA", commune=bordeaux)
    for company in (airbus, moteurs):
        MembershipFactory(cluster=pole, company=company)
    MembershipFactory(cluster=agri, company=pain)
    MembershipFactory(cluster=agri, company=airbus)
    MembershipFactory(cluster=demo, company=bois)
    MembershipFactory(cluster=hidden, company=secret)
    return {
        "pole": pole,
        "agri": agri,
        "demo": demo,
        "hidden": hidden,
        "airbus": airbus,
        "moteurs": moteurs,
        "pain": pain,
        "bois": bois,
        "secret": secret,
        "ti": ti,
        "aero": aero,
        "occitanie": occitanie,
    }
