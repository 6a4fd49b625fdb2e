"""Audit trail of changes to clusters and memberships (and companies).

Pages and the API call `record()` after each write; entries show in the admin.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable

from directory.models import AuditEntry, Cluster, Membership


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


def snapshot(obj, fields: Iterable[str]) -> dict:
    """Field values before a change, to pass to `diff` afterwards."""

    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            out[name] = sorted(str(pk) for pk in getattr(obj, name).values_list("pk", flat=True))
        elif field.is_relation:
            out[name] = getattr(obj, field.attname)
        else:
            out[name] = getattr(obj, name)
    return {k: _jsonable(v) for k, v in out.items()}


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""

    return {
        k: [before.get(k), after.get(k)]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def record(user, action: str, obj, changes: dict | None = None) -> AuditEntry:
    """Store who did `action` (create / update / delete / import / erase) on `obj`."""

    if isinstance(obj, Cluster):
        cluster_id = obj.pk
    elif isinstance(obj, Membership):
        cluster_id = obj.cluster_id
    else:
        cluster_id = getattr(obj, "cluster_id", None)
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        user=actor,
        action=action[:20],
        object_type=obj._meta.model_name[:40],
        object_id=str(obj.pk)[:40],
        cluster_id=cluster_id,
        changes=_jsonable(changes or {}),
    )
