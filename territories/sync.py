"""Bring a table in line with the rows wanted, writing only what differs.

The load compares in memory and then writes with bulk_create / bulk_update /
delete in batches: a second run over the same bundle issues no write at all.
"""

from dataclasses import dataclass, field

from django.db import connections, router
from tqdm import tqdm

BATCH = 1000


@dataclass
class TableChange:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass
class Plan:
    """What to do to a table keyed by its primary key."""

    model: type
    fields: list[str]
    desired: dict
    create: list = field(default_factory=list)
    update: dict = field(default_factory=dict)  # key -> changed attnames
    delete: list = field(default_factory=list)


def _batches(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan(model, desired: dict, fields: list[str], queryset=None) -> Plan:
    """Compare `desired` ({pk: {attname: value}}) with the rows in the table."""

    queryset = model.objects.all() if queryset is None else queryset
    existing = {row["pk"]: row for row in queryset.values("pk", *fields).order_by()}
    result = Plan(model=model, fields=fields, desired=desired)
    for key, values in desired.items():
        row = existing.get(key)
        if row is None:
            result.create.append(key)
            continue
        changed = [f for f in fields if row[f] != values[f]]
        if changed:
            result.update[key] = changed
    result.delete = sorted(set(existing) - set(desired))
    return result


def insert_rows(model, rows: list[dict]) -> None:
    """INSERT rows given as {attname: value} with executemany.

    Used for new rows instead of bulk_create: the load creates tens of thousands
    of rows whose values are already final, and skipping model instantiation
    makes the test fixture and a first load several times faster.
    """

    if not rows:
        return
    conn = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0]]
    quote = conn.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    one = "({})".format(", ".join(["%s"] * len(fields)))
    preps = [(f.attname, f.get_db_prep_save) for f in fields]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            # COPY: a many-row INSERT spends its time parsing placeholders.
            columns = ", ".join(quote(f.column) for f in fields)
            statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([prep(row[a], conn) for a, prep in preps])
        else:
            for chunk in _batches(rows, 5000):
                values = [[prep(row[a], conn) for a, prep in preps] for row in chunk]
                cursor.executemany(head + one, values)


def _field_name(model, attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f.name
    raise LookupError(attname)


def apply_writes(p: Plan, change: TableChange, progress: bool, label: str, order=None) -> None:
    """Create and update rows (deletions are applied separately, in dependency order)."""

    model = p.model
    pk_name = model._meta.pk.attname
    total = len(p.create) + len(p.update)
    with tqdm(total=total, desc=label, unit="row", disable=not progress, leave=False) as bar:
        keys = sorted(p.create, key=order) if order else p.create
        for chunk in _batches(keys, 5000):
            insert_rows(model, [{pk_name: k, **p.desired[k]} for k in chunk])
            bar.update(len(chunk))
        if p.update:
            changed = sorted({f for fs in p.update.values() for f in fs})
            names = [_field_name(model, f) for f in changed]
            for chunk in _batches(sorted(p.update)):
                objs = [model(**{pk_name: k}, **p.desired[k]) for k in chunk]
                model.objects.bulk_update(objs, names, batch_size=500)
                bar.update(len(chunk))
    change.created += len(p.create)
    change.updated += len(p.update)


def apply_deletes(p: Plan, change: TableChange) -> None:
    for chunk in _batches(p.delete, 500):
        p.model.objects.filter(pk__in=chunk).delete()
    change.deleted += len(p.delete)


def sync_pairs(
    model,
    left: str,
    right: str,
    wanted: set,
    change: TableChange,
    scope=None,
    delete=True,
    progress=False,
    label="",
):
    """Sync a two-column table (M2M through table, postal codes) keyed by the pair."""

    queryset = model.objects.all() if scope is None else model.objects.filter(**scope)
    existing = {(a, b): pk for pk, a, b in queryset.values_list("pk", left, right).order_by()}
    to_create = sorted(wanted - set(existing))
    to_delete = [existing[k] for k in set(existing) - wanted] if delete else []
    total = len(to_create) + len(to_delete)
    with tqdm(total=total, desc=label, unit="row", disable=not progress, leave=False) as bar:
        for chunk in _batches(to_delete, 500):
            model.objects.filter(pk__in=chunk).delete()
            bar.update(len(chunk))
        for chunk in _batches(to_create, 5000):
            insert_rows(model, [{left: a, right: b} for a, b in chunk])
            bar.update(len(chunk))
    change.created += len(to_create)
    change.deleted += len(to_delete)
