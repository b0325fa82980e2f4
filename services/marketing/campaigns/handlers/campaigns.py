"""Planning and running campaigns: create, change (what the status allows), move through the
life of lifecycle.py (by a marketer, or by the timer at the start and end times), read, list
and count the audience. A wrong field is a 422 naming it; a move or change the status forbids is
a 409; nothing is written either way."""
import json
import uuid
from decimal import Decimal

from sqlalchemy import select

from services.chassis import normalize, pagination
from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load, shared
from services.marketing.campaigns import audience, lifecycle, results, schemas
from services.marketing.campaigns.models import MONEY_GOALS, Campaign
from services.marketing.segments.models import Segment

CAMPAIGN, AUDIENCE = schemas.Campaign(), schemas.CampaignAudience()
SYSTEM = "system"
NOBODY = "Nobody would be reached: {why}. The campaign may still be planned and run."


def dump(campaign):
    return CAMPAIGN.dump({**{name: getattr(campaign, name) for name in (
        "id", "name", "theme", "channel", "goal_metric", "goal_target", "currency", "budget",
        "cost_total", "starts_at", "ends_at", "owner_id", "status", "status_changed_at",
        "created_by", "created_at", "updated_at")},
        "segment_ids": json.loads(campaign.segment_ids),
        "exclude_segment_ids": json.loads(campaign.exclude_segment_ids)})


def get(session, campaign_id, for_write=False):
    campaign = session.get(Campaign, campaign_id, with_for_update=for_write) \
        if isinstance(campaign_id, str) else None
    if campaign is None:
        raise NotFound(f"No campaign {campaign_id}.", {"id": campaign_id})
    return campaign


def emit(uow, event_type, campaign, actor, now, previous_status=None):
    record = {name: getattr(campaign, name) for name in (
        "id", "name", "channel", "goal_metric", "goal_target", "currency", "budget",
        "cost_total", "starts_at", "ends_at", "owner_id", "status")}
    uow.emit(event_type, {**record, "segment_ids": json.loads(campaign.segment_ids),
                          "exclude_segment_ids": json.loads(campaign.exclude_segment_ids),
                          "previous_status": previous_status, "changed_by": actor,
                          "changed_at": now})


def _checked(session, merged):
    """Invalid naming each field that does not fit the others or the segments that exist."""
    errors = {}
    metric, target = merged.get("goal_metric"), merged.get("goal_target")
    if (metric is None) != (target is None):
        errors["goal_target" if metric else "goal_metric"] = [
            "A goal is a metric and its target: give both, or neither."]
    elif metric and metric not in MONEY_GOALS and target != target.to_integral_value():
        errors["goal_target"] = [f"A {metric} goal is a whole number."]
    starts, ends = merged.get("starts_at"), merged.get("ends_at")
    if starts and ends and ends <= starts:
        errors["ends_at"] = ["Must be after starts_at."]
    targets, excluded = merged["segment_ids"], merged["exclude_segment_ids"]
    known = set(session.scalars(select(Segment.id).where(
        Segment.id.in_(set(targets) | set(excluded)))))
    for name, ids in (("segment_ids", targets), ("exclude_segment_ids", excluded)):
        unknown = [i for i in ids if i not in known]
        if unknown:
            errors[name] = [f"No segment {', '.join(unknown)}."]
    both = sorted(set(targets) & set(excluded))
    if both and "exclude_segment_ids" not in errors:
        errors["exclude_segment_ids"] = [f"Both targeted and excluded: {', '.join(both)}."]
    if errors:
        raise Invalid("The campaign is not valid.", errors)


def _unique_name(session, name, campaign_id=None):
    name_norm = normalize.text(name)[:200]
    other = session.scalar(select(Campaign.id).where(Campaign.name_norm == name_norm))
    if other and other != campaign_id:
        raise Conflict("A campaign with this name already exists.", {"duplicate_of": other,
                                                                    "field": "name"})
    return name_norm


def _ids(values):
    return list(dict.fromkeys(values or []))


def create_campaign(uow, principal, data):
    data = load(schemas.CampaignCreate, data)
    session, now = uow.session, utcnow()
    merged = {**data, "segment_ids": _ids(data.get("segment_ids")),
              "exclude_segment_ids": _ids(data.get("exclude_segment_ids"))}
    _checked(session, merged)
    campaign = Campaign(
        id=str(uuid.uuid4()), name=data["name"], name_norm=_unique_name(session, data["name"]),
        theme=data.get("theme"), channel=data["channel"], goal_metric=data.get("goal_metric"),
        goal_target=data.get("goal_target"), currency=data["currency"],
        budget=data.get("budget") or Decimal("0.00"), cost_total=Decimal("0.00"),
        starts_at=data.get("starts_at"), ends_at=data.get("ends_at"),
        segment_ids=json.dumps(merged["segment_ids"]),
        exclude_segment_ids=json.dumps(merged["exclude_segment_ids"]),
        owner_id=data.get("owner_id") or principal.user_id, status=lifecycle.DRAFT,
        status_changed_at=now, created_by=principal.user_id, created_at=now, updated_at=now)
    session.add(campaign)
    session.flush()
    emit(uow, "campaign_created", campaign, principal.user_id, now)
    return dump(campaign)


def update_campaign(uow, principal, campaign_id, data):
    changes = load(schemas.CampaignUpdate, data, partial=True)
    session, now = uow.session, utcnow()
    campaign = get(session, campaign_id, for_write=True)
    refused = lifecycle.refused_fields(campaign.status, changes)
    if refused:
        raise Conflict(f"A {campaign.status} campaign cannot change {', '.join(refused)}.",
                       {"campaign_status": campaign.status, "refused": refused})
    for name in ("segment_ids", "exclude_segment_ids"):
        if name in changes:
            changes[name] = _ids(changes[name])
    current = {name: getattr(campaign, name) for name in (
        "goal_metric", "goal_target", "starts_at", "ends_at")}
    current.update(segment_ids=json.loads(campaign.segment_ids),
                   exclude_segment_ids=json.loads(campaign.exclude_segment_ids))
    _checked(session, {**current, **changes})
    if "name" in changes:
        campaign.name_norm = _unique_name(session, changes["name"], campaign.id)
    for name, value in changes.items():
        if name in ("segment_ids", "exclude_segment_ids"):
            value = json.dumps(value)
        elif name == "owner_id":
            value = value or principal.user_id
        elif name == "budget" and value is None:
            value = Decimal("0.00")
        setattr(campaign, name, value)
    campaign.updated_at = now
    session.flush()
    emit(uow, "campaign_updated", campaign, principal.user_id, now)
    return dump(campaign)


def move(uow, campaign, to, actor, now):
    """Move `campaign` (locked) to `to`, or Conflict; emits campaign_status_changed."""
    if not lifecycle.allowed(campaign.status, to):
        raise Conflict(f"A {campaign.status} campaign cannot become {to}.",
                       {"campaign_status": campaign.status, "to": to})
    previous, campaign.status = campaign.status, to
    campaign.status_changed_at = campaign.updated_at = now
    uow.session.flush()
    emit(uow, "campaign_status_changed", campaign, actor, now, previous_status=previous)


def change_status(uow, principal, campaign_id, data):
    to = load(schemas.CampaignTransition, data)["to"]
    campaign = get(uow.session, campaign_id, for_write=True)
    if to == lifecycle.SCHEDULED and campaign.starts_at is None:
        raise Invalid("The campaign is not valid.", {
            "starts_at": ["A campaign is scheduled for its start: set starts_at first."]})
    move(uow, campaign, to, principal.user_id, utcnow())
    return dump(campaign)


def advance_due(uow, now):
    """The timer's round: scheduled campaigns whose start came run, running ones whose end
    came complete. Rows are locked and skipped if another replica holds them (each move is
    made once, whichever replica gets there). The number moved."""
    session, moved = uow.session, 0
    for status, column, to in ((lifecycle.SCHEDULED, Campaign.starts_at, lifecycle.RUNNING),
                               (lifecycle.RUNNING, Campaign.ends_at, lifecycle.COMPLETED)):
        due = select(Campaign).where(Campaign.status == status, column.is_not(None),
                                     column <= now).order_by(column, Campaign.id).limit(100)
        for campaign in session.scalars(due.with_for_update(skip_locked=True)):
            move(uow, campaign, to, SYSTEM, now)
            moved += 1
    return moved


def get_campaign(session, principal, campaign_id):
    return dump(get(session, campaign_id))


def list_campaigns(session, principal, query=None):
    filters = load(schemas.CampaignQuery, query or {})
    statement = select(Campaign)
    for name in ("status", "channel"):
        if filters.get(name):
            statement = statement.where(getattr(Campaign, name) == filters[name])
    return pagination.newest_first(session, statement, Campaign, filters, "campaigns",
                                   lambda _session, rows: [dump(row) for row in rows])


def campaign_audience(session, principal, campaign_id):
    campaign = get(session, campaign_id)
    contacts, reach = audience.counts(session, campaign)
    notice = None
    if not json.loads(campaign.segment_ids):
        notice = NOBODY.format(why="it targets no segment")
    elif not contacts:
        notice = NOBODY.format(why="its segments hold nobody (after exclusions)")
    elif not reach:
        notice = NOBODY.format(why=f"no targeted contact may be reached by {campaign.channel} "
                                   "through the system")
    return AUDIENCE.dump({"campaign_id": campaign.id, "contacts": contacts,
                          "reachable": reach, "notice": notice})


def campaign_results(session, principal, campaign_id):
    return shared(schemas.CampaignResults).dump(results.results(session, get(session, campaign_id)))
