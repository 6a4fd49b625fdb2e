"""Fast bulk writes for imports, demo and SIRENE enrichment.

``bulk_create`` on SQLite is capped at 999 parameters per statement (about 50 rows of
a company) and ``bulk_update`` builds one large CASE per field; both dominate a
100,000-row import. A single-row statement run through ``executemany`` lets the driver
loop in C on both SQLite and PostgreSQL.
"""

import operator
from collections.abc import Iterable, Sequence

from django.db import connection, models, transaction
from django.db.models import DateTimeField
from django.utils import timezone

BATCH = 5000


def _chunks(items: Sequence, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


# Values of these field types go to both drivers as they are: no per-value conversion.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.FloatField,
    models.ForeignKey,
)


def insert(model, objs: Sequence) -> int:
    """INSERT model instances (primary keys are not read back: query them by natural key)."""
    return insert_rows(model, [vars(obj) for obj in objs])


def insert_rows(model, rows: Sequence[dict]) -> int:
    """INSERT rows given as ``{attname: value}``; missing fields take their default.

    Building model instances costs more than the INSERT itself at 100,000 rows, so the
    demo and the import pass plain dicts.
    """
    if not rows:
        return 0
    now = timezone.now()
    fields = _insert_fields(model)
    columns = []  # (attname, constant or None, converter or None, default)
    for f in fields:
        if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add):
            columns.append((f.attname, f.get_db_prep_save(now, connection), None, None))
            continue
        convert = None if isinstance(f, _PLAIN) else f.get_db_prep_save
        default = f.get_default()
        if convert is not None:
            default = convert(default, connection)
        columns.append((f.attname, None, convert, default))
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    missing = object()
    present = set(rows[0])
    if all(len(row) == len(present) for row in rows) and all(present.issuperset(r) for r in rows):
        # Every row has the same keys (the import's and demo's case): each row's values
        # come out of one C-level itemgetter; only converted columns are touched in Python.
        return _insert_uniform(model, fields, columns, rows, present)

    def values(row):
        out = []
        for attname, constant, convert, default in columns:
            if constant is not None:
                out.append(constant)
                continue
            value = row.get(attname, missing)
            if value is missing:
                out.append(default)
            elif convert is not None:
                out.append(convert(value, connection))
            else:
                out.append(value)
        return out

    # One transaction: in autocommit mode SQLite would commit (and sync) every row.
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in _chunks(rows):
            cursor.executemany(sql, [values(row) for row in chunk])
    return len(rows)


def _insert_uniform(model, fields, columns, rows: Sequence[dict], present: set) -> int:
    # Columns taken from the rows come first, constants (auto_now, defaults) last, so
    # that each row's parameters are one C-level itemgetter plus a constant tuple.
    taken = [
        (f, c) for f, c in zip(fields, columns, strict=True) if c[1] is None and c[0] in present
    ]
    fixed = [(f, c) for f, c in zip(fields, columns, strict=True) if (f, c) not in taken]
    getter = operator.itemgetter(*[c[0] for _f, c in taken]) if taken else (lambda row: ())
    single = len(taken) == 1
    converted = [(i, c[2]) for i, (_f, c) in enumerate(taken) if c[2] is not None]
    constants = tuple(c[1] if c[1] is not None else c[3] for _f, c in fixed)
    qn = connection.ops.quote_name
    order = taken + fixed
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table),
        ", ".join(qn(f.column) for f, _c in order),
        ", ".join(["%s"] * len(order)),
    )

    def values(row):
        got = getter(row)
        if single:
            got = (got,)
        if converted:
            got = list(got)
            for i, convert in converted:
                # NULL stays NULL for these fields (dates, decimals…); skipping the call
                # matters for mostly blank columns such as a membership's start date.
                if got[i] is not None:
                    got[i] = convert(got[i], connection)
            got = tuple(got)
        return got + constants

    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in _chunks(rows):
            cursor.executemany(sql, [values(row) for row in chunk])
    return len(rows)


def update(model, objs: Sequence, field_names: Iterable[str]) -> int:
    """UPDATE the given fields (plus auto_now ones) of instances or ``{attname: value}``
    dicts that carry their primary key (``id``)."""
    if not objs:
        return 0
    now = timezone.now()
    meta = model._meta
    names = list(field_names)
    fields = [meta.get_field(n) for n in names]
    stamped = [
        f
        for f in meta.concrete_fields
        if isinstance(f, DateTimeField) and f.auto_now and f.name not in names
    ]
    qn = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        qn(meta.db_table),
        ", ".join(f"{qn(f.column)} = %s" for f in fields + stamped),
        qn(meta.pk.column),
    )
    tail = [f.get_db_prep_save(now, connection) for f in stamped]
    plan = [(f.attname, None if isinstance(f, _PLAIN) else f.get_db_prep_save) for f in fields]
    pk_name = meta.pk.attname

    def values(obj):
        row = obj if isinstance(obj, dict) else vars(obj)
        out = [row[a] if convert is None else convert(row[a], connection) for a, convert in plan]
        return out + tail + [row[pk_name]]

    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in _chunks(objs):
            cursor.executemany(sql, [values(obj) for obj in chunk])
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
    if len(keys) > 5000:
        # One scan of the table beats hundreds of IN (…) queries for large files.
        wanted = set(keys)
        raw = _raw_columns(queryset, (key, *fields))
        if raw is not None:
            # The key column alone comes from its unique index: when few of the keys
            # exist (a file of new members), the whole rows are not read at all.
            known = wanted.intersection(_column_values(queryset.model, raw[0]))
            if len(known) <= 5000:
                return values_by_key(queryset, key, known, *fields)
            wanted = known
            # Plain text and integer columns: a bare cursor skips the ORM's per-value
            # converters, which cost more than the query itself at 100,000 rows.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT {} FROM {}".format(
                        ", ".join(map(connection.ops.quote_name, raw)),
                        connection.ops.quote_name(queryset.model._meta.db_table),
                    )
                )
                while chunk := cursor.fetchmany(20_000):
                    for row in chunk:
                        if row[0] in wanted:
                            result[row[0]] = row[1:]
            return result
        for row in queryset.values_list(key, *fields).order_by().iterator(chunk_size=20_000):
            if row[0] in wanted:
                result[row[0]] = row[1:]
        return result
    for chunk in _chunks(keys, 900):
        for row in queryset.filter(**{f"{key}__in": chunk}).values_list(key, *fields):
            result[row[0]] = row[1:]
    return result


def _column_values(model, column: str) -> list:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(column)} FROM {qn(model._meta.db_table)}")
        return [value for (value,) in cursor.fetchall()]


def _raw_columns(queryset, names) -> list[str] | None:
    """Column names for ``names`` if the queryset is a whole table of plain fields."""
    query = queryset.all().query
    if query.where or query.extra or query.annotations:
        return None
    meta = queryset.model._meta
    columns = []
    for name in names:
        f = meta.pk if name == "pk" else meta.get_field(name)
        if (
            not isinstance(
                f,
                (
                    models.CharField,
                    models.TextField,
                    models.ForeignKey,
                    models.AutoField,
                    models.BigAutoField,
                ),
            )
            or f.many_to_many
        ):
            return None
        if isinstance(f, models.ForeignKey) and f.target_field.get_internal_type() not in (
            "CharField",
            "AutoField",
            "BigAutoField",
        ):
            return None
        columns.append(f.column)
    return columns


def last_pk(model) -> int:
    qn = connection.ops.quote_name
    pk, table = qn(model._meta.pk.column), qn(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max({pk}) FROM {table}")
        return cursor.fetchone()[0] or 0


def keys_after(model, key: str, after: int) -> dict:
    """``{key: pk}`` of the rows whose primary key is above ``after``.

    Taken before a bulk INSERT, ``last_pk`` lets the caller read back only the rows it
    added (keys are increasing on SQLite and PostgreSQL), not rescan the whole table.
    """
    qn = connection.ops.quote_name
    meta = model._meta
    column, pk, table = qn(meta.get_field(key).column), qn(meta.pk.column), qn(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column}, {pk} FROM {table} WHERE {pk} > %s", [after])
        return dict(cursor.fetchall())
