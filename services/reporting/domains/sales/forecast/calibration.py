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


def stage_entries(session, where):
    """(deal id, stage entered, status now) for the deals `where` selects."""
    return session.execute(
        select(DealStageEntry.deal_id, DealStageEntry.to_stage, DealFact.status)
        .join(DealFact, DealFact.id == DealStageEntry.deal_id).where(*where))
