"""The configurable pipeline: stages with a probability, an order and a kind (open/won/lost).

The default (initial contact 10% → needs analysis 25% → proposal 50% → negotiation 75% →
won 100% / lost 0%) is seeded by the initial migration; admins rename stages, change their
probabilities or retire open ones here. Every accepted change is a `pipeline_stage_updated`
event with the whole stage: a deal's weighted value follows its stage's current probability
(the board, the deal's own `weighted_amount`, reconcile), and reporting re-weights the deals of
the stage from that event — live and when it replays the log.
"""
from sqlalchemy import select

from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load, shared
from services.sales.deals import schemas
from services.sales.deals.models import PipelineStage

DEFAULT_PIPELINE = (
    ("initial_contact", "Initial contact", 10, "open"),
    ("needs_analysis", "Needs analysis", 25, "open"),
    ("proposal", "Proposal / quote", 50, "open"),
    ("negotiation", "Negotiation", 75, "open"),
    ("won", "Won", 100, "won"),
    ("lost", "Lost", 0, "lost"),
)


def seed_default(session):
    for position, (key, name, probability, kind) in enumerate(DEFAULT_PIPELINE, start=1):
        session.merge(PipelineStage(key=key, name=name, probability=probability,
                                    position=position, kind=kind, active=True))


def stages(session, active_only=False):
    query = select(PipelineStage).order_by(PipelineStage.position, PipelineStage.key)
    if active_only:
        query = query.where(PipelineStage.active.is_(True))
    return list(session.scalars(query))


def stage(session, key):
    found = session.get(PipelineStage, key) if isinstance(key, str) else None
    if found is None:
        raise NotFound(f"No pipeline stage {key}.", {"stage": key})
    return found


def target_stage(session, key):
    """A stage a deal may be moved to: known and active (else a 422 naming the valid ones)."""
    found = session.get(PipelineStage, key) if isinstance(key, str) else None
    if found is None or not found.active:
        valid = [s.key for s in stages(session, active_only=True)]
        raise Invalid("The request is not valid.", {"stage": [f"One of: {', '.join(valid)}."]})
    return found


def first_open_stage(session):
    for candidate in stages(session, active_only=True):
        if candidate.kind == "open":
            return candidate
    raise Conflict("The pipeline has no active open stage.", {})


def list_stages(session, principal):
    return [shared(schemas.Stage).dump(s) for s in stages(session)]


def update_stage(uow, principal, key, data):
    """Admin: rename, reprice or retire a stage. Won and lost stay (closing needs them)."""
    changes = load(schemas.StageUpdate, data, partial=True)
    found = stage(uow.session, key)
    if changes.get("active") is False and found.kind != "open":
        raise Conflict("The won and lost stages cannot be retired.", {"stage": key})
    changed = sorted(name for name, value in changes.items() if getattr(found, name) != value)
    for name in changed:
        setattr(found, name, changes[name])
    if found.kind == "open" and not any(s.kind == "open" for s in stages(uow.session, True)):
        raise Conflict("The pipeline needs at least one active open stage.", {"stage": key})
    stage_dump = shared(schemas.Stage).dump(found)
    if changed:
        uow.emit("pipeline_stage_updated", {**stage_dump, "changed": changed,
                                            "changed_by": principal.user_id,
                                            "changed_at": utcnow()})
    return stage_dump
