"""Database expressions the dashboard aggregates with: native on PostgreSQL and SQLite."""

from __future__ import annotations

from django.db.models import (
    Aggregate,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
)
from django.db.models.functions import TruncDate


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate `percentile_cont(f) WITHIN GROUP (ORDER BY x)`."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class Seconds(Func):
    """Seconds from `start` to `end`, natively on each database (no per-row Python function)."""

    output_field = FloatField()

    def __init__(self, end: str, start: str):
        super().__init__(F(end), F(start))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_sql(self, compiler, connection, **extra):
        if "template" not in extra:  # other databases: Django's portable duration arithmetic
            wrapped = ExpressionWrapper(
                self.source_expressions[0] - self.source_expressions[1],
                output_field=DurationField(),
            )
            return compiler.compile(wrapped)
        return super().as_sql(compiler, connection, **extra)


class UtcDate(Func):
    """The UTC calendar date of a datetime column, natively (TruncDate elsewhere)."""

    output_field = DateField()

    def __init__(self, field: str):
        super().__init__(F(field))

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite stores aware datetimes as UTC text: its own date() reads them without Python.
        return super().as_sql(compiler, connection, function="DATE", **extra)

    def as_sql(self, compiler, connection, **extra):
        return compiler.compile(TruncDate(self.get_source_expressions()[0]))
