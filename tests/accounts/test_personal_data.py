import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken, Invitation, Role
from directory import audit
from directory.models import AuditEntry, Contact
from tests.factories import ClusterFactory, CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db
EMAIL = "Marie.Curie@example.org"


@pytest.fixture
def marie():
    cluster = ClusterFactory(name="Aéro Sud")
    Contact.objects.create(cluster=cluster, name="Marie Curie", email=EMAIL, phone="0102030405")
    user = UserFactory(username="mcurie", email=EMAIL.lower())
    Role.objects.create(user=user, kind=Role.Kind.MANAGER, cluster=cluster)
    ApiToken.issue(user, "script")
    audit.record(user, "update", cluster, {"website": ["", "https://a.fr"]})
    audit.record(None, "update", cluster, {"note": [None, f"voir {EMAIL}"]})
    Contact.objects.create(cluster=cluster, name="Pierre", email="pierre@example.org")
    return {"cluster": cluster, "user": user}


def _run(*args) -> str:
    out = StringIO()
    call_command("contacts", *args, stdout=out)
    return out.getvalue()


def test_export_gathers_contacts_account_and_audit_entries(marie):
    data = json.loads(_run("export", "marie.curie@EXAMPLE.org"))
    assert [c["phone"] for c in data["contacts"]] == ["0102030405"]
    assert data["users"][0]["username"] == "mcurie"
    assert data["users"][0]["roles"][0]["cluster"] == marie["cluster"].slug
    assert data["users"][0]["api_tokens"][0]["name"] == "script"
    assert "digest" not in json.dumps(data)
    assert len(data["audit_entries"]) == 2


def test_erase_is_a_dry_run_by_default(marie):
    out = _run("erase", EMAIL)
    assert "Simulation" in out and '"contacts": 1' in out
    assert Contact.objects.filter(email__iexact=EMAIL).exists()
    assert not AuditEntry.objects.filter(action="erase").exists()


def test_erase_apply_removes_and_anonymises_and_records_without_the_address(marie):
    _run("erase", EMAIL, "--apply")
    assert not Contact.objects.filter(email__iexact=EMAIL).exists()
    assert Contact.objects.filter(email="pierre@example.org").exists()
    user = marie["user"]
    user.refresh_from_db()
    assert user.email == "" and user.username.startswith("efface-")
    assert not user.is_active and not user.has_usable_password()
    assert not user.roles.exists() and not ApiToken.objects.filter(user=user).exists()
    # History stays (attributed to the anonymous account) but no longer names her.
    assert AuditEntry.objects.filter(user=user, action="update").exists()
    everything = json.dumps(list(AuditEntry.objects.values("changes", "object_id")))
    assert "curie" not in everything.lower()
    assert AuditEntry.objects.filter(action="erase", object_type="personal_data").exists()
    after = json.loads(_run("export", EMAIL))
    assert after["contacts"] == [] and after["users"] == [] and after["audit_entries"] == []


def test_erase_deletes_pending_invitations(marie, client):
    operator = UserFactory(is_staff=True)
    client.force_login(operator)
    client.post("/compte/invitations/", {"email": EMAIL, "kind": "institution", "institution": "X"})
    assert Invitation.objects.count() == 1
    _run("erase", EMAIL, "--apply")
    assert Invitation.objects.count() == 0


def test_company_contact_address_is_exported_and_blanked(marie):
    company = CompanyFactory(email=EMAIL)
    assert json.loads(_run("export", EMAIL))["companies"][0]["siren"] == company.siren
    _run("erase", EMAIL, "--apply")
    company.refresh_from_db()
    assert company.email == ""


def test_command_refuses_something_that_is_not_an_address():
    with pytest.raises(CommandError):
        _run("export", "not-an-address")
