"""Document numbers without gaps per kind and year: "INV-2026-00001", "PO-2026-00001".

Each service keeps its own counter table (kind, year, last — sales' and procurement's
`document_counter`); the row is incremented inside the issuing transaction: concurrent issuers
queue on its row lock (PostgreSQL) or the database write lock (SQLite), and a rolled-back issue
gives its number back.
"""
from sqlalchemy import update

from services.chassis.db import insert_ignoring_conflicts


def next_number(session, counter, kind, year):
    """The next number of `kind` in `year`, counted in the `counter` table (a mapped class with
    `kind`, `year` and `last`)."""
    insert_ignoring_conflicts(session, counter, {"kind": kind, "year": year, "last": 0},
                              ("kind", "year"))
    last = session.execute(
        update(counter).where(counter.kind == kind, counter.year == year)
        .values(last=counter.last + 1).returning(counter.last)).scalar_one()
    return f"{kind}-{year}-{last:05d}"
