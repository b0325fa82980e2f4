"""Sales KPIs: one fact per deal, and two rollups kept in step with it by deltas.

- deal_stages: deals now by creation bucket, owner, stage, status and currency (the funnel;
  status open is the open pipeline) — count, value and weighted value in cents;
- deal_outcomes: closed deals by close bucket, owner, won | lost and currency — count, value
  and sales cycle seconds (win rate, revenue, average deal size and cycle are quotients).

Every event recomputes the fact's contribution before and after and moves the difference, so a
stage move, a reassignment or a reopen shifts the counts instead of adding to them. Events may
arrive in any order and more than once: the newest sequence wins, an older event only supplies
the creation time (which never changes) if it was missing. A fact counts once a whole record
(deal_created / _updated / _won / _lost) has been seen.

Status comes from the event type: deal_won / deal_lost close, everything else means open (a
deal is only updated while open, and a stage move that closes it is followed, one sequence
later in the same commit, by its deal_won / deal_lost). Until that companion is applied a live
consumer may briefly count the deal as open in the closing stage; the catch-up and
reconciliation see both.

Weighted value = amount × the stage's CURRENT probability, half-up per deal (stages.py): a
pipeline_stage_updated re-weights every deal of the stage, open or closed, whose newest event is
older than it — so the funnel equals sales' board after a probability change, and a rebuild
(which replays the configuration events in sequence order with the deal events) gives the same.
"""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from services.reporting import rollups
from services.reporting.domains.sales import consumes
from services.reporting.domains.sales.models import (DealFact, DealLineFact, DealOutcomes,
                                                     DealStageEntry, DealStages, StageFact)
from services.reporting.domains.sales.projections import deal_history, stages
from services.reporting.plugin import Projection
from services.reporting.tolerant import load

STAGE_KEY = ("bucket", "owner_id", "stage", "status", "currency")
STAGE_VALUES = ("count", "amount_cents", "weighted_cents")
OUTCOME_KEY = ("bucket", "owner_id", "status", "currency")
OUTCOME_VALUES = ("count", "amount_cents", "cycle_seconds")
CLOSED = ("won", "lost")
STATUS = {"deal_won": "won", "deal_lost": "lost"}


cents = rollups.cents      # (kept here too: the deal modules' name for it)


def weighted_cents(amount_cents, probability):
    """amount × probability %, half-up to the cent per deal, as sales' board computes it."""
    return int((Decimal(amount_cents) * probability / 100).quantize(Decimal(1), ROUND_HALF_UP))


def cycle_seconds(created_at, closed_at):
    return int((closed_at - created_at).total_seconds())


def contribution(fact):
    """({stage key: values}, {outcome key: values}) this fact adds to the rollups."""
    if fact is None or fact.created_at is None or fact.stage is None:
        return {}, {}
    owner, currency = rollups.as_key(fact.owner_id), rollups.as_key(fact.currency)
    stages = {(rollups.bucket(fact.created_at), owner, fact.stage, fact.status, currency):
              (1, fact.amount_cents, weighted_cents(fact.amount_cents, fact.probability))}
    outcomes = {}
    if fact.status in CLOSED and fact.closed_at is not None:
        outcomes[(rollups.bucket(fact.closed_at), owner, fact.status, currency)] = (
            1, fact.amount_cents, cycle_seconds(fact.created_at, fact.closed_at))
    return stages, outcomes


def _delta(before, after):
    deltas = {}
    for sign, part in ((-1, before), (1, after)):
        for key, values in part.items():
            current = deltas.get(key, (0,) * len(values))
            deltas[key] = tuple(a + sign * b for a, b in zip(current, values))
    return deltas


def move(session, before, after):
    if before == after:
        return
    rollups.add(session, DealStages, STAGE_KEY, _delta(before[0], after[0]), STAGE_VALUES)
    rollups.add(session, DealOutcomes, OUTCOME_KEY, _delta(before[1], after[1]), OUTCOME_VALUES)


def _change(session, deal_id, change, stage=None):
    """Apply `change` to the deal's fact and move its contribution. `stage`: the stage the
    event puts the deal in, whose row is share-locked first (stages.py: lock order)."""
    if stage is not None:
        stages.lock(session, stage)
    fact = rollups.locked_row(session, DealFact, {"id": deal_id}, sequence=0, probability=0,
                              amount_cents=0, lines_sequence=0)
    before = contribution(fact)
    change(fact)
    move(session, before, contribution(fact))
    return fact


def _set_state(session, fact, data, sequence, status, closed_at):
    fact.stage, fact.status, fact.closed_at = data["stage"], status, closed_at
    fact.probability = stages.probability(session, data["stage"], sequence, data["probability"])
    fact.amount_cents = cents(data["amount"])
    fact.currency, fact.owner_id, fact.sequence = data["currency"], data.get("owner_id"), sequence


def apply_record(session, envelope):
    data = load(consumes.DealRecord, envelope)
    sequence, status = envelope["sequence"], STATUS.get(envelope["event_type"], "open")

    def change(fact):
        if fact.created_at is None:
            fact.created_at, fact.customer_id = data["created_at"], data["customer_id"]
        if sequence > fact.lines_sequence:      # the newest whole record (lines: the same rule)
            fact.expected_close_date = data.get("expected_close_date")
        if sequence > fact.sequence:
            closed_at = data.get("closed_at") if status in CLOSED else None
            _set_state(session, fact, data, sequence, status, closed_at)
    fact = _change(session, data["id"], change, data["stage"])
    deal_history.replace_lines(session, fact, data.get("lines"), sequence)
    if envelope["event_type"] == "deal_created":
        deal_history.enter_stage(session, data["id"], sequence, None, data["stage"],
                                 data["created_at"])


def apply_stage_changed(session, envelope):
    data = load(consumes.DealStageChanged, envelope)
    sequence = envelope["sequence"]

    def change(fact):
        if sequence > fact.sequence:
            _set_state(session, fact, {**data, "stage": data["to_stage"]}, sequence, "open", None)
    _change(session, data["deal_id"], change, data["to_stage"])
    deal_history.enter_stage(session, data["deal_id"], sequence, data.get("from_stage"),
                             data["to_stage"], data["changed_at"])


def apply_stage_updated(session, envelope):
    """A stage's new configuration: re-weight the deals in it whose newest event is older."""
    data = load(consumes.PipelineStageUpdated, envelope)
    sequence = envelope["sequence"]
    if not stages.record(session, data, sequence):
        return
    for fact in session.scalars(select(DealFact).where(
            DealFact.stage == data["key"], DealFact.sequence < sequence)
            .order_by(DealFact.id).with_for_update()):
        if fact.probability != data["probability"]:
            before = contribution(fact)
            fact.probability = data["probability"]
            move(session, before, contribution(fact))


DEALS = Projection("deals", {"sales": {
    **{event_type: apply_record for event_type in consumes.DEAL_RECORD_EVENTS},
    "deal_stage_changed": apply_stage_changed,
    "pipeline_stage_updated": apply_stage_updated,
}}, (DealFact, DealStages, DealOutcomes, DealLineFact, DealStageEntry, StageFact))
