"""Stage probabilities calibrated from history: of the deals that were ever in stage S and are
closed now, the share won. The configured percentages say what the team believes; this says
what its deals did.

Read from reporting's stage entries (deal_stage_entry) and the deals' current status
(deal_fact), within the caller's scope, so a rep's calibration is their own deals' record."""
from fractions import Fraction

from sqlalchemy import select

from services.reporting.domains.sales.models import DealFact, DealStageEntry

CLOSED = ("won", "lost")


def calibrate(entries):
    """{stage: (won, closed)} from (deal id, stage entered, deal's status now) rows: each deal
    counts once per stage however often it re-entered it; closing stages are left out (their
    rate is 1 or 0 by definition) and so are deals still open."""
    seen, counts = set(), {}
    for deal_id, stage, status in entries:
        if status not in CLOSED or stage in CLOSED or (deal_id, stage) in seen:
            continue
        seen.add((deal_id, stage))
        won, closed = counts.get(stage, (0, 0))
        counts[stage] = (won + (status == "won"), closed + 1)
    return counts


def rate(counts, stage):
    """The calibrated win probability from `stage` as an exact Fraction, None without
    closed history."""
    won, closed = counts.get(stage, (0, 0))
    return Fraction(won, closed) if closed else None


def stage_entries(session, where, cutoff=None):
    """(deal id, stage entered, status) for the deals `where` selects: their status now, or
    with a `cutoff` (an aware datetime) as it was then — the stages entered before it, a deal
    closed at or after it still open — so a forecast as of a past day is calibrated only on
    what had happened by then."""
    query = (select(DealStageEntry.deal_id, DealStageEntry.to_stage, DealFact.status,
                    DealFact.closed_at)
             .join(DealFact, DealFact.id == DealStageEntry.deal_id).where(*where))
    if cutoff is not None:
        query = query.where(DealStageEntry.entered_at < cutoff)
    for deal_id, stage, status, closed_at in session.execute(query):
        reopened = cutoff is not None and closed_at is not None and closed_at >= cutoff
        yield deal_id, stage, "open" if reopened else status
