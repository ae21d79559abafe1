"""Hot reads whose SQL is compiled once: querysets built with named parameters.

Building and compiling a queryset costs about a millisecond of Python on this project's
machine, far more than PostgreSQL takes to answer the hottest reads (token authentication,
the number one: bench/queue.py). A `Precompiled` read builds its queryset once per database
alias with a placeholder for each named parameter, keeps the SQL, the backend's converters
and the model's column layout, then on each call runs the SQL on a Django cursor (so the query
is logged and counted like any other) and builds the instances as the ORM would, with their
`select_related` rows (not `prefetch_related`: a prefetch is a read of its own).

On PostgreSQL with psycopg 3, when the connection may prepare statements (`prepare_threshold` in
the database's OPTIONS: config.settings.base, DB_PREPARED_READS), a precompiled read binds its
parameters on the server and is prepared on each connection's first call; after five calls
PostgreSQL may keep one plan for it (`plan_cache_mode` auto: while that plan is estimated no
dearer than planning each call). Planning was most of PostgreSQL's work on the pages' reads.
Django's own reads bind on the client and are never prepared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from types import SimpleNamespace
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)


def _placeholder(name: str, kind: type, i: int) -> Any:
    """A value for one parameter that no real call sends: text with NUL (PostgreSQL refuses NUL
    in text), integers far below any id (yet in a 32-bit id's range: Django refuses to compare an
    AutoField with a value outside it), instants and dates in the year 1."""
    if kind is str:
        return f"\x00precompiled:{name}\x00"
    if kind is datetime:
        return datetime(1, 1, 2, tzinfo=UTC) + timedelta(seconds=i)
    if kind is date:
        return date(1, 1, 2) + timedelta(days=i)
    return -(2**31) + i


def _same(value: Any) -> Any:
    return value


def _adapters(connection, placeholder: Any) -> list[Callable[[Any], Any]]:
    """How a parameter may reach the SQL: unchanged, or as the backend adapts a date or an
    instant (SQLite sends them as text; PostgreSQL unchanged)."""
    if isinstance(placeholder, datetime):
        return [_same, connection.ops.adapt_datetimefield_value]
    if isinstance(placeholder, date):
        return [_same, connection.ops.adapt_datefield_value]
    return [_same]


def _reaches(param: Any, placeholder: Any, adapt: Callable[[Any], Any]) -> bool:
    if adapt is _same:
        # isinstance: an integer may come back wrapped (psycopg's Int4 from a Value()).
        return isinstance(param, type(placeholder)) and param == placeholder
    return param == adapt(placeholder)


def _cursor(connection):
    """A Django cursor (counted, wrapped and logged as any other) that prepares its statement,
    on PostgreSQL with psycopg 3 when the connection may prepare; the backend's own elsewhere."""
    options = connection.settings_dict.get("OPTIONS") or {}
    if connection.vendor != "postgresql" or options.get("prepare_threshold") is None:
        return connection.cursor()
    pg = _postgres()
    # What BaseDatabaseWrapper.cursor() and the backend's create_cursor() do, with our classes.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = pg.Preparing(connection.connection)
        loader = connection.connection.adapters.get_loader(pg.TIMESTAMPTZ_OID, pg.TEXT)
        if connection.timezone != loader.timezone:
            pg.register_tzloader(connection.timezone, cursor)
    connection.validate_thread_sharing()
    if connection.queries_logged:
        return pg.LoggedPrepared(cursor, connection)
    return connection.make_cursor(cursor)


@cache
def _postgres() -> SimpleNamespace:
    """The PostgreSQL backend's parts `_cursor` needs, with a psycopg cursor that prepares and
    a debug wrapper that logs what it ran (imported once, on PostgreSQL only)."""
    from django.db.backends.postgresql.base import (
        TIMESTAMPTZ_OID,
        CursorDebugWrapper,
        ServerBindingCursor,
    )
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from django.db.backends.utils import CursorWrapper
    from psycopg.pq import Format

    class Preparing(ServerBindingCursor):
        """Binds its parameters on the server and prepares each statement at its first run
        (the connection's `prepare_threshold` must be set: psycopg prepares nothing without)."""

        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)

    class LoggedPrepared(CursorDebugWrapper):
        """Logs the statement with its values written in, as Django logs its own reads (the
        prepared text has $1, $2 ... in their place)."""

        def execute(self, sql, params=None):
            with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
                return CursorWrapper.execute(self, sql, params)

    return SimpleNamespace(
        Preparing=Preparing,
        LoggedPrepared=LoggedPrepared,
        TIMESTAMPTZ_OID=TIMESTAMPTZ_OID,
        TEXT=Format.TEXT,
        register_tzloader=register_tzloader,
    )


@dataclass(frozen=True)
class _Compiled:
    model: type[Model]
    sql: str
    params: tuple[Any, ...]
    named: dict[int, tuple[str, Callable[[Any], Any]]]  # position -> name, backend adaptation
    attnames: list[str]  # the model's columns, in select order (none for a values() read)
    fields: slice | None
    annotations: dict[str, int]
    converters: list[tuple[int, tuple[list[Callable], Any]]]
    related: list[Any]  # Django's RelatedPopulator per select_related relation
    paged: bool = False


def _bind(compiled: _Compiled, values: dict[str, Any]) -> list[Any]:
    params = list(compiled.params)
    for position, (name, adapt) in compiled.named.items():
        params[position] = adapt(values[name])
    if compiled.paged:
        params += [int(values["limit"]), int(values["offset"])]
    return params


class Precompiled(Generic[M]):
    """A read built by `build(**placeholders)`, compiled once, run with `rows(**values)`.

    `params` names each parameter's type, `str`, `int`, `date` or `datetime`. A parameter must
    be compared as it is (equal, less than: a token key, a rank, a day), never transformed
    (`icontains` wraps it in wildcards): compiling checks that each placeholder reaches the SQL
    unchanged, or as the backend adapts a date or an instant (then each call's value is adapted
    the same way). A `paged`
    read takes `limit` and `offset` on each call (Django writes a slice's bounds into the SQL).
    """

    def __init__(
        self, build: Callable[..., QuerySet[M]], *, paged: bool = False, **params: type
    ) -> None:
        self._build = build
        self._paged = paged  # the SQL ends with LIMIT and OFFSET, given to each call
        self._params = params
        self._compiled: dict[str, _Compiled] = {}

    def sql(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> tuple[str, list[Any]]:
        """Return the SQL and the parameters a call with these values sends (for EXPLAIN)."""
        compiled = self._compile(using)
        return compiled.sql, _bind(compiled, values)

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[M]:
        """Run the read and return model instances, with annotations as attributes."""
        compiled = self._compile(using)
        result = []
        for row in self._run(compiled, using, values):
            instance = compiled.model.from_db(using, compiled.attnames, row[compiled.fields])
            for populator in compiled.related:
                populator.populate(row, instance)
            for name, position in compiled.annotations.items():
                setattr(instance, name, row[position])
            result.append(instance)
        return result

    def value(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Any:
        """Run a one-column read (a `values()` queryset) and return its first value, or None."""
        rows = self._run(self._compile(using), using, values)
        return rows[0][0] if rows else None

    def _run(self, compiled: _Compiled, using: str, values: dict[str, Any]) -> list:
        connection = connections[using]
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, _bind(compiled, values))
            rows = cursor.fetchall()
        if not compiled.converters:
            return rows
        converted = []
        for row in map(list, rows):
            for position, (converters, expression) in compiled.converters:
                for convert in converters:
                    row[position] = convert(row[position], expression, connection)
            converted.append(row)
        return converted

    def _compile(self, using: str) -> _Compiled:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._do_compile(using)
        return compiled

    def _do_compile(self, using: str) -> _Compiled:
        placeholders = {
            name: _placeholder(name, kind, i) for i, (name, kind) in enumerate(self._params.items())
        }
        queryset = self._build(**placeholders)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        named = {}
        for name, placeholder in placeholders.items():
            adapters = _adapters(connections[using], placeholder)
            for i, p in enumerate(params):
                adapt = next((a for a in adapters if _reaches(p, placeholder, a)), None)
                if adapt is not None:
                    named[i] = (name, adapt)
        if {name for name, _ in named.values()} != set(self._params):
            raise ValueError(f"each of {list(self._params)} must reach the SQL unchanged")
        fields, related = None, []
        if compiler.klass_info:  # a model read, not values()
            select_fields = compiler.klass_info["select_fields"]
            fields = slice(select_fields[0], select_fields[-1] + 1)
            # select_related rows, built as the ORM's ModelIterable builds them.
            related = get_related_populators(compiler.klass_info, compiler.select, using)
        if self._paged:
            sql += " LIMIT %s OFFSET %s"
        return _Compiled(
            model=queryset.model,
            paged=self._paged,
            sql=sql,
            params=tuple(params),
            named=named,
            attnames=[c[0].target.attname for c in compiler.select[fields]] if fields else [],
            fields=fields,
            annotations=dict(compiler.annotation_col_map),
            converters=list(compiler.get_converters([c[0] for c in compiler.select]).items()),
            related=related,
        )
