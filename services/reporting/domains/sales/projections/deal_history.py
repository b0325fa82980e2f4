"""The deal facts the rollups cannot hold, kept by the deals projection beside them (same
events, same rebuild): a deal's lines (cuts by product) and its stage entries (conversion and
time in stage).

- Lines come with every whole record (deal_created / _updated / _won / _lost); the newest
  record's lines replace the older ones (deal_fact.lines_sequence), whatever the delivery
  order. deal_stage_changed carries none and leaves them alone.
- Stage entries: deal_created enters the first stage at `created_at`, each deal_stage_changed
  the target stage at its business `changed_at`. One row per event, keyed by its sequence:
  a repeat inserts nothing, a late one slots in by time when read.
"""
from sqlalchemy import bindparam, delete

from services.chassis.db import insert_ignoring_conflicts, precompiled
from services.reporting.domains.sales.models import DealLineFact, DealStageEntry
from services.reporting.rollups import cents, insert_binds


def replace_lines(session, fact, lines, sequence):
    """The record's lines, if it is newer than the one they came from. Plain precompiled
    statements (no ORM objects, no flush): a page may replace one deal's lines twice, and this
    runs for every whole record."""
    if lines is None or sequence <= fact.lines_sequence:
        return
    if fact.lines_sequence:                 # lines stored before (0: none yet, nothing to drop)
        session.execute(precompiled(session, "deal_lines:delete", _delete), {"deal_id": fact.id})
    if lines:
        session.execute(precompiled(session, "deal_lines:insert", _insert), [
            {"deal_id": fact.id, "position": line["position"], "product_id": line["product_id"],
             "product_name": line.get("product_name"), "quantity": line.get("quantity") or 0,
             "total_cents": cents(line["total"])} for line in lines])
    fact.lines_sequence = sequence


def _delete(_dialect):
    table = DealLineFact.__table__
    return delete(table).where(table.c.deal_id == bindparam("deal_id", type_=table.c.deal_id.type))


def _insert(dialect):
    return insert_binds(dialect, DealLineFact, LINE_COLUMNS)


LINE_COLUMNS = ("deal_id", "position", "product_id", "product_name", "quantity", "total_cents")


def enter_stage(session, deal_id, sequence, from_stage, to_stage, entered_at):
    insert_ignoring_conflicts(session, DealStageEntry, {
        "deal_id": deal_id, "sequence": sequence, "from_stage": from_stage,
        "to_stage": to_stage, "entered_at": entered_at}, ("deal_id", "sequence"))
