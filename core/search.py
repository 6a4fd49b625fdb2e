"""Full-text search over the database's own engine, on SQLite and PostgreSQL.

One small interface, two back ends:

- SQLite: one FTS5 virtual table per kind (``search_fts_<kind>``) whose rowid is the
  object's primary key. FTS5 knows neither French stemming nor accents, so the text
  is folded (accents, case) and stemmed with snowballstemmer in Python, for the
  indexed text and the query alike.
- PostgreSQL: one table ``search_document`` (kind, obj_id, tsvector) with a GIN
  index; the text search configuration ``mapster_fr`` (french + unaccent, created by
  ``core/migrations/0001_search.py``) folds accents and stems in the database.

Both are accent-insensitive, stem French words, AND every word of the query and
treat the last word as a prefix (the user may still be typing it).

Usage::

    search.register("company", Company, documents=company_documents)
    search.index("company", pk, title="ACME", body="usinage de précision")
    search.rebuild("company")                 # after bulk imports
    qs = search.filter_queryset(Company.objects.all(), "company", "usinage préc")

``filter_queryset`` keeps the queryset lazy: it adds a join on the index, a
``search_rank`` annotation (higher is better on both back ends) and orders by it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import snowballstemmer
from django.db import connection, transaction

KINDS = ("cluster", "company")
PG_CONFIG = "mapster_fr"
PG_TABLE = "search_document"
# Title words weigh ten times the body's: a company named "Usinage X" should come
# before one that merely mentions usinage.
TITLE_WEIGHT = 10.0
BATCH = 2000

_SEPARATORS = "\u2019\u2018\u00ab\u00bb\u2013\u2014\u2026\u00a0\u202f\u00b7\u201c\u201d"
_WORD = re.compile(r"[a-z0-9]+")
_stemmer = snowballstemmer.stemmer("french")
# The words PostgreSQL's french configuration drops; SQLite drops them from queries
# so that "pôle de la mer" means the same on both back ends.
STOPWORDS = frozenset(
    "a au aux avec ce ces d dans de des du elle en et eux il je l la le les leur lui m ma mais "
    "me meme mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses son sur "
    "t ta te tes toi ton tu un une vos votre vous y".split()
)


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    # Yields (pk, title, body) for every object; used by rebuild().
    documents: Callable[[], Iterable[tuple[int, str, str]]]


_registry: dict[str, Kind] = {}


def register(name: str, model, documents) -> None:
    if name not in KINDS:
        raise ValueError(f"unknown search kind {name!r}; add it to core.search.KINDS")
    _registry[name] = Kind(name, model, documents)


def _kind(name: str) -> Kind:
    try:
        return _registry[name]
    except KeyError:
        raise ValueError(f"search kind {name!r} is not registered") from None


def _is_pg() -> bool:
    return connection.vendor == "postgresql"


# --- text processing (SQLite side; PostgreSQL does the same in mapster_fr) -------------


def fold(text: str) -> str:
    """Lower case without accents; NFKD + ASCII encoding keeps it all in C."""
    folded = (text or "").lower()
    if folded.isascii():
        return folded
    folded = folded.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    # Dropping non-ASCII would glue "l’eau" into one word: separators become spaces.
    for separator in _SEPARATORS:
        if separator in folded:
            folded = folded.replace(separator, " ")
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")


class _Stems(dict):
    """word -> stem; a dict so that analysing a text is one C-level map() of look-ups."""

    LIMIT = 300_000

    def __missing__(self, word: str) -> str:
        # Numbers (SIREN, postcodes) are not words: the pure-Python stemmer is slow.
        stemmed = word if word.isdigit() or len(word) < 3 else _stemmer.stemWord(word)
        if len(self) >= self.LIMIT:
            self.clear()
        self[word] = stemmed
        return stemmed


_stems = _Stems()


def stem(word: str) -> str:
    return _stems[word]


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


class _Tokens(dict):
    """whitespace-free piece of text -> its folded, stemmed words joined by spaces.

    Words never span whitespace, so a text's analysis is the join of its pieces'; names
    and labels repeat the same pieces ("SAS", "Mécanique"), which are analysed once.
    """

    LIMIT = 200_000

    def __missing__(self, piece: str) -> str:
        if piece.isascii() and piece.isdigit():
            return piece  # numbers (SIREN, postcodes) are unique: not worth keeping
        analysed = " ".join(map(_stems.__getitem__, _WORD.findall(fold(piece))))
        if len(self) >= self.LIMIT:
            self.clear()
        self[piece] = analysed
        return analysed


_tokens = _Tokens()


def analyse(text: str) -> str:
    """Folded, stemmed tokens separated by spaces: what SQLite's FTS5 indexes."""
    if not text:
        return ""
    return " ".join(filter(None, map(_tokens.__getitem__, text.split())))


def query_terms(query: str) -> list[tuple[str, bool]]:
    """The (folded word, is_prefix) terms of a user query; the last word is a prefix.

    Stop words are dropped unless the query has nothing else.
    """
    tokens = words(query)
    terms = [(w, i == len(tokens) - 1) for i, w in enumerate(tokens) if w not in STOPWORDS]
    if not terms and tokens:
        terms = [(tokens[-1], True)]
    return terms


def _fts5_query(terms: list[tuple[str, bool]]) -> str:
    # Stems are [a-z0-9]+ only, so quoting is safe and disables FTS5 operators.
    return " AND ".join(f'"{stem(w)}"' + ("*" if prefix else "") for w, prefix in terms)


def _pg_query(terms: list[tuple[str, bool]]) -> str:
    # The folded word, not our stem: to_tsquery stems it with mapster_fr itself.
    return " & ".join(w + (":*" if prefix else "") for w, prefix in terms)


# --- writing the index -----------------------------------------------------------------


def _fts_table(kind: str) -> str:
    _kind(kind)
    return f"search_fts_{kind}"


def index(kind: str, pk: int, title: str, body: str = "") -> None:
    """Add or replace one object's document."""
    index_many(kind, [(pk, title, body)])


def index_many(kind: str, documents: Iterable[tuple[int, str, str]], replace=True) -> int:
    """Write documents; ``replace=False`` skips removing old ones (the index is empty).

    A body may also be a tuple of parts (joined by spaces): on SQLite each distinct part
    is analysed once per call, which pays off for parts that repeat across documents
    (NAF labels, commune names, a shared offer text).
    """
    count = 0
    parts_cache: dict[str, str] = {}
    # One transaction: in autocommit mode SQLite would commit (and sync) every row.
    with transaction.atomic(), connection.cursor() as cursor:
        batch = []
        for doc in documents:
            batch.append(doc)
            if len(batch) >= BATCH:
                count += _write(cursor, kind, batch, replace, parts_cache)
                batch = []
        if batch:
            count += _write(cursor, kind, batch, replace, parts_cache)
    return count


def _joined(body) -> str:
    if isinstance(body, tuple):
        return " ".join(p for p in body if p)
    return body or ""


def _analysed_body(body, cache: dict[str, str]) -> str:
    if not isinstance(body, tuple):
        return analyse(body)
    out = []
    for part in body:
        if not part:
            continue
        done = cache.get(part)
        if done is None:
            done = cache[part] = analyse(part)
        if done:
            out.append(done)
    # Words never span parts (they are joined by a space), so this equals analysing
    # the joined text.
    return " ".join(out)


def _write(cursor, kind: str, batch: list[tuple[int, str, str]], replace: bool, cache=None) -> int:
    if _is_pg():
        cursor.executemany(
            f"INSERT INTO {PG_TABLE} (kind, obj_id, document) VALUES (%s, %s, "
            f"setweight(to_tsvector('{PG_CONFIG}', %s), 'A') || "
            f"setweight(to_tsvector('{PG_CONFIG}', %s), 'B')) "
            "ON CONFLICT (kind, obj_id) DO UPDATE SET document = EXCLUDED.document",
            [(kind, pk, title or "", _joined(body)) for pk, title, body in batch],
        )
    else:
        cache = {} if cache is None else cache
        table = _fts_table(kind)
        if replace:
            cursor.executemany(
                f"DELETE FROM {table} WHERE rowid = %s", [(pk,) for pk, _t, _b in batch]
            )
        cursor.executemany(
            f"INSERT INTO {table} (rowid, title, body) VALUES (%s, %s, %s)",
            [(pk, analyse(title), _analysed_body(body, cache)) for pk, title, body in batch],
        )
    return len(batch)


def remove(kind: str, pk: int) -> None:
    with connection.cursor() as cursor:
        if _is_pg():
            cursor.execute(f"DELETE FROM {PG_TABLE} WHERE kind = %s AND obj_id = %s", [kind, pk])
        else:
            cursor.execute(f"DELETE FROM {_fts_table(kind)} WHERE rowid = %s", [pk])


def clear(kind: str) -> None:
    with connection.cursor() as cursor:
        if _is_pg():
            cursor.execute(f"DELETE FROM {PG_TABLE} WHERE kind = %s", [kind])
        else:
            cursor.execute(f"DELETE FROM {_fts_table(kind)}")


def rebuild(kind: str) -> int:
    """Re-index every object of a kind from its registered documents; returns the count."""
    spec = _kind(kind)
    with transaction.atomic():
        clear(kind)
        count = index_many(kind, spec.documents(), replace=False)
    if not _is_pg():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_fts_table(kind)}({_fts_table(kind)}) VALUES ('optimize')"
            )
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {PG_TABLE}")
    return count


def rebuild_all() -> dict[str, int]:
    return {kind: rebuild(kind) for kind in _registry}


def indexed_count(kind: str) -> int:
    with connection.cursor() as cursor:
        if _is_pg():
            cursor.execute(f"SELECT count(*) FROM {PG_TABLE} WHERE kind = %s", [kind])
        else:
            cursor.execute(f"SELECT count(*) FROM {_fts_table(kind)}")
        return cursor.fetchone()[0]


# --- querying ----------------------------------------------------------------------------


def filter_queryset(queryset, kind: str, query: str):
    """Restrict ``queryset`` to objects matching ``query``, best first.

    A query without any word returns the queryset unchanged. The result carries a
    ``search_rank`` annotation (higher is better).
    """
    terms = query_terms(query or "")
    if not terms:
        return queryset
    model_table = queryset.model._meta.db_table
    pk_column = queryset.model._meta.pk.column
    qn = connection.ops.quote_name
    target = f"{qn(model_table)}.{qn(pk_column)}"
    if _is_pg():
        # extra() is the one way to join a table Django has no model for while keeping
        # the queryset lazy, countable and sliceable.
        tsq = f"to_tsquery('{PG_CONFIG}', %s)"
        return queryset.extra(
            tables=[PG_TABLE],
            where=[
                f"{PG_TABLE}.kind = %s",
                f"{PG_TABLE}.obj_id = {target}",
                f"{PG_TABLE}.document @@ {tsq}",
            ],
            params=[kind, _pg_query(terms)],
            select={"search_rank": f"ts_rank({PG_TABLE}.document, {tsq})"},
            select_params=[_pg_query(terms)],
            order_by=["-search_rank", f"{model_table}.{pk_column}"],
        )
    table = _fts_table(kind)
    return queryset.extra(
        tables=[table],
        where=[f"{table}.rowid = {target}", f"{table} MATCH %s"],
        params=[_fts5_query(terms)],
        # bm25() is lower for better matches; negate it so that higher is better everywhere.
        select={"search_rank": f"-bm25({table}, {TITLE_WEIGHT}, 1.0)"},
        order_by=["-search_rank", f"{model_table}.{pk_column}"],
    )


# --- schema (called by core/migrations/0001_search.py) -------------------------------


def create_schema(schema_editor) -> None:
    conn = schema_editor.connection
    if conn.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema_editor.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = "
            f"'{PG_CONFIG}') THEN CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = french); "
            f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} ALTER MAPPING FOR hword, hword_part, "
            f"word WITH unaccent, french_stem; END IF; END $$"
        )
        schema_editor.execute(
            f"CREATE TABLE IF NOT EXISTS {PG_TABLE} (kind varchar(20) NOT NULL, "
            f"obj_id bigint NOT NULL, document tsvector NOT NULL, PRIMARY KEY (kind, obj_id))"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_gin ON {PG_TABLE} USING GIN (document)"
        )
    elif conn.vendor == "sqlite":
        for kind in KINDS:
            # The text arrives folded and stemmed; the ascii tokenizer just splits it.
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_{kind} USING fts5("
                f"title, body, tokenize = 'ascii', prefix = '2 3')"
            )
    else:
        raise NotImplementedError(f"search is not implemented for {conn.vendor}")


def drop_schema(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}")
    else:
        for kind in KINDS:
            schema_editor.execute(f"DROP TABLE IF EXISTS search_fts_{kind}")
