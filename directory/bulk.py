"""Fast bulk writes for imports, demo and SIRENE enrichment.

``bulk_create`` on SQLite is capped at 999 parameters per statement (about 50 rows of
a company) and ``bulk_update`` builds one large CASE per field; both dominate a
100,000-row import. A single-row statement run through ``executemany`` lets the driver
loop in C on both SQLite and PostgreSQL.
"""

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import DateTimeField
from django.utils import timezone

BATCH = 5000


def _chunks(items: Sequence, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _stamp(model, objs, *, add: bool) -> None:
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if isinstance(field, DateTimeField) and (field.auto_now or (add and field.auto_now_add)):
            for obj in objs:
                setattr(obj, field.attname, now)


def insert(model, objs: Sequence) -> int:
    """INSERT every object (primary keys are not read back: query them by natural key)."""
    if not objs:
        return 0
    _stamp(model, objs, add=True)
    fields = _insert_fields(model)
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(objs):
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                    for obj in chunk
                ],
            )
    return len(objs)


def update(model, objs: Sequence, field_names: Iterable[str]) -> int:
    """UPDATE the given fields (plus auto_now ones) of objects that have a primary key."""
    if not objs:
        return 0
    _stamp(model, objs, add=False)
    meta = model._meta
    names = list(field_names)
    fields = [meta.get_field(n) for n in names]
    fields += [
        f
        for f in meta.concrete_fields
        if isinstance(f, DateTimeField) and f.auto_now and f.name not in names
    ]
    qn = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        qn(meta.db_table), ", ".join(f"{qn(f.column)} = %s" for f in fields), qn(meta.pk.column)
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(objs):
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                    + [obj.pk]
                    for obj in chunk
                ],
            )
    return len(objs)


def delete_ids(model, ids: Sequence[int]) -> int:
    total = 0
    for chunk in _chunks(list(ids), 900):
        total += model.objects.filter(pk__in=chunk).delete()[0]
    return total


def values_by_key(queryset, key: str, keys: Iterable[str], *fields: str) -> dict:
    """``{key: (field values…)}`` for the given natural keys, queried in chunks."""
    result = {}
    keys = list(keys)
    for chunk in _chunks(keys, 900):
        for row in queryset.filter(**{f"{key}__in": chunk}).values_list(key, *fields):
            result[row[0]] = row[1:]
    return result
