"""Document numbers without gaps per kind and year: "INV-2026-00001".

The counter row is incremented inside the issuing transaction: concurrent issuers queue on its
row lock (PostgreSQL) or the database write lock (SQLite), and a rolled-back issue gives its
number back. Any document kind can use it (`kind` is the number's prefix).
"""
from sqlalchemy import update

from services.chassis.db import insert_ignoring_conflicts
from services.sales.documents.models import DocumentCounter


def next_number(session, kind, year):
    insert_ignoring_conflicts(session, DocumentCounter, {"kind": kind, "year": year, "last": 0},
                              ("kind", "year"))
    last = session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.kind == kind, DocumentCounter.year == year)
        .values(last=DocumentCounter.last + 1).returning(DocumentCounter.last)).scalar_one()
    return f"{kind}-{year}-{last:05d}"
