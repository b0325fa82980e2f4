"""Creating, changing and removing segments. A segment's rules are validated position by
position (segments/rules.py) and its includes / excludes must name existing segments without a
cycle — anything wrong is a precise 422 and nothing is written. A new segment, or one whose
rules or includes changed, is evaluated for every contact after the edit has committed, in
chunks (segments/backfill.py): the edit answers at once with `evaluation.status` `evaluating`,
and its count and members are exact once it is `ready`."""
import json
import uuid

from sqlalchemy import select

from services.chassis import normalize, pagination
from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.marketing.campaigns.audience import campaigns_using
from services.marketing.segments import backfill, graph, membership, rules, schemas
from services.marketing.segments.models import DYNAMIC, Segment

SEGMENT = schemas.Segment()


def dump(segment, evaluation):
    return SEGMENT.dump({**{name: getattr(segment, name) for name in (
        "id", "name", "description", "kind", "member_count", "created_by", "created_at",
        "updated_at")}, "rules": json.loads(segment.rules),
        "include": json.loads(segment.include), "exclude": json.loads(segment.exclude),
        "evaluation": evaluation})


def dump_all(session, segments):
    states = backfill.states(session, [segment.id for segment in segments])
    return [dump(segment, states[segment.id]) for segment in segments]


def get(session, segment_id, for_write=False):
    segment = session.get(Segment, segment_id, with_for_update=for_write) \
        if isinstance(segment_id, str) else None
    if segment is None:
        raise NotFound(f"No segment {segment_id}.", {"id": segment_id})
    return segment


def _checked(session, kind, data, segment_id):
    """The rules (typed) and references of `data`, or Invalid naming each problem."""
    errors, typed, given = {}, [], data.get("rules")
    if given not in (None, []):
        if kind != DYNAMIC:
            errors["rules"] = ["A static list has no rules: add contacts to it."]
        else:
            typed, problems = rules.validate(given)
            if problems:
                errors["rules"] = problems
    references = {name: list(dict.fromkeys(data.get(name) or [])) for name in ("include", "exclude")}
    known = {row.id: json.loads(row.include) + json.loads(row.exclude)
             for row in session.scalars(select(Segment))}
    for name, ids in references.items():
        unknown = [i for i in ids if i not in known or i == segment_id]
        if unknown:
            errors[name] = [f"Not another existing segment: {', '.join(unknown)}."]
    if not errors:
        known[segment_id] = references["include"] + references["exclude"]
        loop = graph.cycle(known, segment_id)
        if loop:
            errors["include"] = [f"Would make a cycle: {' → '.join(loop)}."]
    if errors:
        raise Invalid("The segment is not valid.", errors)
    return typed, references


def _unique_name(session, name, segment_id=None):
    name_norm = normalize.text(name)[:200]
    other = session.scalar(select(Segment.id).where(Segment.name_norm == name_norm))
    if other and other != segment_id:
        raise Conflict("A segment with this name already exists.", {"duplicate_of": other,
                                                                   "field": "name"})
    return name_norm


def _event(uow, event_type, segment, principal, now):
    uow.emit(event_type, {"id": segment.id, "name": segment.name, "kind": segment.kind,
                          "rules": json.loads(segment.rules),
                          "include": json.loads(segment.include),
                          "exclude": json.loads(segment.exclude),
                          "changed_by": principal.user_id, "changed_at": now})


def create_segment(uow, principal, data):
    data = load(schemas.SegmentCreate, data)
    session, segment_id, now = uow.session, str(uuid.uuid4()), utcnow()
    membership.definitions_changing(session)
    typed, references = _checked(session, data["kind"], data, segment_id)
    segment = Segment(id=segment_id, name=data["name"],
                      name_norm=_unique_name(session, data["name"]),
                      description=data.get("description"), kind=data["kind"],
                      rules=json.dumps(data.get("rules") or []),
                      include=json.dumps(references["include"]),
                      exclude=json.dumps(references["exclude"]), member_count=0,
                      created_by=principal.user_id, created_at=now, updated_at=now)
    session.add(segment)
    backfill.start(session, segment_id, "segment_created", now)
    session.flush()
    _event(uow, "segment_created", segment, principal, now)
    return dump_all(session, [segment])[0]


def update_segment(uow, principal, segment_id, data):
    """Name and description; rules, includes and excludes replaced when given (the segment,
    and those including it, re-evaluated for everyone after the edit)."""
    changes = load(schemas.SegmentUpdate, data, partial=True)
    session, now = uow.session, utcnow()
    if isinstance(segment_id, str):
        backfill.lock(session, segment_id)
    membership.definitions_changing(session)
    segment = get(session, segment_id, for_write=True)
    merged = {"rules": changes.get("rules", json.loads(segment.rules)),
              "include": changes.get("include", json.loads(segment.include)),
              "exclude": changes.get("exclude", json.loads(segment.exclude))}
    _typed, references = _checked(session, segment.kind, merged, segment.id)
    if "name" in changes:
        segment.name_norm = _unique_name(session, changes["name"], segment.id)
        segment.name = changes["name"]
    if "description" in changes:
        segment.description = changes["description"]
    redefined = (json.dumps(merged["rules"] or []), json.dumps(references["include"]),
                 json.dumps(references["exclude"])) != (segment.rules, segment.include,
                                                        segment.exclude)
    segment.rules, segment.include, segment.exclude = (
        json.dumps(merged["rules"] or []), json.dumps(references["include"]),
        json.dumps(references["exclude"]))
    segment.updated_at = now
    session.flush()
    if redefined:
        backfill.start(session, segment.id, "segment_updated", now)
        session.flush()
    _event(uow, "segment_updated", segment, principal, now)
    return dump_all(session, [segment])[0]


def delete_segment(uow, principal, segment_id):
    """Refused (409) while another segment includes or excludes it, or a campaign that has not
    ended aims at or excludes it; its members leave."""
    session, now = uow.session, utcnow()
    if isinstance(segment_id, str):
        backfill.lock(session, segment_id)
    membership.definitions_changing(session)
    segment = get(session, segment_id, for_write=True)
    users = [row.id for row in session.scalars(select(Segment).where(Segment.id != segment.id))
             if segment.id in json.loads(row.include) + json.loads(row.exclude)]
    if users:
        raise Conflict("Other segments include or exclude this one.", {"id": users[0]})
    campaign = campaigns_using(session, segment.id)
    if campaign:
        raise Conflict("A campaign that has not ended targets or excludes this segment.",
                       {"campaign_id": campaign})
    membership.remove_segment(session, segment.id)
    backfill.remove(session, segment.id)
    _event(uow, "segment_deleted", segment, principal, now)
    session.delete(segment)
    return None


def get_segment(session, principal, segment_id):
    return dump_all(session, [get(session, segment_id)])[0]


def list_segments(session, principal, query=None):
    filters = load(schemas.SegmentQuery, query or {})
    statement = select(Segment)
    return pagination.newest_first(session, statement, Segment, filters, "segments",
                                   dump_all)
