"""Moving a team's data between databases (`copilot migrate-data`): SQLite to PostgreSQL, usually.

Every table is copied in dependency order with its ids, in batches, inside one transaction on the
target, which must be migrated and empty; PostgreSQL's id sequences are then moved past the copied
ids. Stored files stay where they are (the same data directory); the search index is rebuilt with
`copilot reindex` or kept, if it is a Chroma server both deployments use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, insert, select

from copilot.errors import Conflict
from copilot.store.models import Base

Progress = Callable[[str, int], None]


@dataclass
class TransferReport:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def copy_database(
    source: Engine, target: Engine, *, batch_size: int = 1000, progress: Progress | None = None
) -> TransferReport:
    """Copy every row of `source` into the empty, migrated `target`; all or nothing on the target."""
    tables = Base.metadata.sorted_tables
    with target.connect() as conn:
        occupied = [t.name for t in tables if conn.execute(select(func.count()).select_from(t)).scalar_one()]
    if occupied:
        raise Conflict(
            f"the target database is not empty ({', '.join(occupied[:5])}...); "
            "migrate into a new database, created and upgraded with `copilot db upgrade`"
        )
    report = TransferReport()
    with source.connect() as read, target.begin() as write:
        for table in tables:
            copied = 0
            order = list(table.primary_key.columns) or list(table.columns)
            result = read.execution_options(yield_per=batch_size).execute(select(table).order_by(*order))
            for part in result.mappings().partitions(batch_size):
                write.execute(insert(table), [dict(row) for row in part])
                copied += len(part)
            report.rows[table.name] = copied
            if progress:
                progress(table.name, copied)
        if write.dialect.name == "postgresql":
            for table in tables:
                if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
                    highest = select(func.max(table.c.id)).scalar_subquery()
                    sequence = func.pg_get_serial_sequence(table.name, "id")
                    write.execute(select(func.setval(sequence, func.coalesce(highest, 0) + 1, False)))
    return report
