"""Personal data held about one e-mail address: export (right of access) and erasure.

Personal data lives in cluster contacts, user accounts (with their roles, tokens and
invitations) and the audit trail (entries made by that user, and any change that
recorded the address). Erasure deletes contacts and invitations, anonymises the user
account (the audit entries stay, pointing at an anonymous account, so the history of
the directory remains readable) and scrubs the address out of audit changes. The
erasure itself is recorded without the address, only its SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from accounts.models import Invitation
from directory.models import AuditEntry, Company, Contact

ERASED = "[effacé]"


def _normalise(email: str) -> str:
    return (email or "").strip().lower()


def _users(email: str):
    return get_user_model().objects.filter(email__iexact=email)


def _audit_entries(email: str, users):
    by_user = AuditEntry.objects.filter(user__in=users)
    # Changes are JSON; matching the address in its text works on SQLite and PostgreSQL.
    mentioning = AuditEntry.objects.filter(changes__icontains=email)
    return (by_user | mentioning).distinct().order_by("at", "pk")


def export(email: str) -> dict:
    email = _normalise(email)
    users = list(_users(email).prefetch_related("roles", "api_tokens"))
    return {
        "email": email,
        "contacts": [
            {
                "cluster": c.cluster.slug,
                "cluster_name": c.cluster.name,
                "name": c.name,
                "role": c.role,
                "email": c.email,
                "phone": c.phone,
                "consent_at": c.consent_at,
            }
            for c in Contact.objects.filter(email__iexact=email).select_related("cluster")
        ],
        "users": [
            {
                "username": u.username,
                "email": u.email,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "date_joined": u.date_joined,
                "last_login": u.last_login,
                "is_active": u.is_active,
                "is_staff": u.is_staff,
                "roles": [
                    {
                        "kind": r.kind,
                        "cluster": r.cluster.slug if r.cluster_id else None,
                        "company": r.company.siren if r.company_id else None,
                        "institution": r.institution,
                    }
                    for r in u.roles.select_related("cluster", "company")
                ],
                "api_tokens": [
                    {
                        "name": t.name,
                        "prefix": t.prefix,
                        "created_at": t.created_at,
                        "last_used_at": t.last_used_at,
                        "revoked_at": t.revoked_at,
                    }
                    for t in u.api_tokens.all()
                ],
            }
            for u in users
        ],
        # A company's contact address may be a person's (sole traders, named mailboxes).
        "companies": [
            {"siren": c.siren, "name": c.name, "email": c.email}
            for c in Company.objects.filter(email__iexact=email)
        ],
        "invitations": [
            {
                "kind": i.kind,
                "cluster": i.cluster.slug if i.cluster_id else None,
                "created_at": i.created_at,
                "expires_at": i.expires_at,
                "accepted_at": i.accepted_at,
            }
            for i in Invitation.objects.filter(email__iexact=email).select_related("cluster")
        ],
        "audit_entries": [
            {
                "at": a.at,
                "by": a.user.username if a.user_id else None,
                "action": a.action,
                "object_type": a.object_type,
                "object_id": a.object_id,
                "changes": a.changes,
            }
            for a in _audit_entries(email, users).select_related("user")
        ],
    }


def export_json(email: str) -> str:
    return json.dumps(export(email), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@dataclass
class ErasurePlan:
    email: str
    contacts: int = 0
    users: int = 0
    invitations: int = 0
    companies: int = 0
    audit_entries_scrubbed: int = 0
    applied: bool = False
    details: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "contacts": self.contacts,
            "users": self.users,
            "invitations": self.invitations,
            "companies": self.companies,
            "audit_entries_scrubbed": self.audit_entries_scrubbed,
        }


def _scrub(value, email: str):
    if isinstance(value, str):
        # Case-insensitive replace without regex surprises from the address itself.
        lower = value.lower()
        out, i = [], 0
        while True:
            j = lower.find(email, i)
            if j < 0:
                out.append(value[i:])
                return "".join(out)
            out.append(value[i:j] + ERASED)
            i = j + len(email)
    if isinstance(value, list):
        return [_scrub(v, email) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, email) for k, v in value.items()}
    return value


def erase(email: str, *, apply: bool = False, actor=None) -> ErasurePlan:
    """Dry run unless `apply`: the plan says what would be erased."""

    email = _normalise(email)
    plan = ErasurePlan(email=email)
    if not email:
        return plan
    contacts = Contact.objects.filter(email__iexact=email).select_related("cluster")
    users = list(_users(email))
    invitations = Invitation.objects.filter(email__iexact=email)
    mentioning = list(AuditEntry.objects.filter(changes__icontains=email))
    plan.contacts = contacts.count()
    plan.users = len(users)
    plan.invitations = invitations.count()
    companies = Company.objects.filter(email__iexact=email)
    plan.companies = companies.count()
    plan.audit_entries_scrubbed = len(mentioning)
    plan.details = [f"contact « {c.name} » ({c.cluster.name})" for c in contacts] + [
        f"compte « {u.username} »" for u in users
    ]
    if not apply:
        return plan
    digest = hashlib.sha256(email.encode()).hexdigest()
    with transaction.atomic():
        for contact in contacts:
            AuditEntry.objects.create(
                user=actor,
                action="erase",
                object_type="contact",
                object_id=str(contact.pk),
                cluster=contact.cluster,
                changes={"email_sha256": digest},
            )
        contacts.delete()
        for user in users:
            user.username = f"efface-{user.pk}"
            user.email = ""
            user.first_name = ""
            user.last_name = ""
            user.is_active = False
            user.is_staff = False
            user.is_superuser = False
            user.set_unusable_password()
            user.save()
            user.roles.all().delete()
            user.api_tokens.all().delete()
        invitations.delete()
        companies.update(email="")
        for entry in mentioning:
            entry.changes = _scrub(entry.changes, email)
            entry.save(update_fields=["changes"])
        AuditEntry.objects.create(
            user=actor,
            action="erase",
            object_type="personal_data",
            object_id=digest[:40],
            changes={"email_sha256": digest, **plan.summary()},
        )
    plan.applied = True
    return plan
