"""factory_boy factories shared by every app's tests."""

import factory
from django.contrib.auth import get_user_model

from activities.models import Filiere, NafCode
from directory.models import Cluster, Company, Establishment, Membership
from territories.models import Commune, Departement, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "76"
    name = "Occitanie"
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    zone = "metro"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "31"
    name = "Haute-Garonne"
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    region = factory.SubFactory(RegionFactory)
    zone = "metro"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = "31555"
    name = "Toulouse"
    name_key = factory.LazyAttribute(lambda o: o.name.lower())
    departement = factory.SubFactory(DepartementFactory)
    region = factory.LazyAttribute(lambda o: o.departement.region)
    population = 504078
    postal_codes = ["31000"]
    lat = 43.6007
    lon = 1.4329


class FiliereFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Filiere
        django_get_or_create = ("slug",)

    slug = "automobile-ferroviaire-aeronautique-navale"
    name = "automobile, ferroviaire, aéronautique, navale"


class NafCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NafCode
        django_get_or_create = ("code",)

    code = "30.30Z"
    label = "Construction aéronautique et spatiale"
    level = NafCode.Level.SUBCLASS


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"Cluster {n}")
    slug = factory.Sequence(lambda n: f"cluster-{n}")
    kind = Cluster.Kind.CLUSTER
    commune = factory.SubFactory(CommuneFactory)


# Valid SIREN numbers (Luhn) generated from a counter: 8 digits + check digit.
def _luhn_complete(body: str) -> str:
    for check in range(10):
        digits = [int(c) for c in body + str(check)]
        total = 0
        for i, d in enumerate(reversed(digits)):
            if i % 2 == 1:
                d *= 2
                if d > 9:
                    d -= 9
            total += d
        if total % 10 == 0:
            return body + str(check)
    raise AssertionError("unreachable")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    siren = factory.Sequence(lambda n: _luhn_complete(f"{10000000 + n:08d}"))
    name = factory.Sequence(lambda n: f"Entreprise {n}")
    commune = factory.SubFactory(CommuneFactory)
    headcount_band = "11"


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    company = factory.SubFactory(CompanyFactory)
    siret = factory.LazyAttribute(lambda o: _luhn_complete(o.company.siren + "0001"))
    commune = factory.LazyAttribute(lambda o: o.company.commune)
    is_head_office = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    cluster = factory.SubFactory(ClusterFactory)
    company = factory.SubFactory(CompanyFactory)
