"""The users copy, interaction activity and freshness projections."""
from datetime import datetime, timedelta, timezone

from prometheus_client import REGISTRY

from services.reporting import inbox
from services.reporting.domains.identity.models import UserCopy
from services.reporting.models import Freshness
from services.reporting import freshness
from services.reporting.rollups import bucket
from tests.unit.reporting.support import T0, activity, apply


def test_interactions_count_once_per_event_by_bucket_rep_owner_and_kind(db, customers):
    call = customers.interaction("u1", "call", T0, owner_id="u9")
    late = T0 + timedelta(minutes=14, seconds=59)           # same 15-minute bucket
    assert apply(db, call, customers.interaction("u1", "call", late, owner_id="u9"),
                 customers.interaction("u1", "email", T0), call) == [
        inbox.PROCESSED, inbox.PROCESSED, inbox.PROCESSED, inbox.DUPLICATE]
    assert activity(db) == {(bucket(T0), "u1", "u9", "call"): 2, (bucket(T0), "u1", "", "email"): 1}


def test_interactions_are_bucketed_by_their_own_time_not_the_event_time(db, customers):
    backdated = T0 - timedelta(days=40)
    apply(db, customers.interaction("u1", "meeting", backdated))
    assert activity(db) == {(bucket(backdated), "u1", "", "meeting"): 1}


def test_the_users_copy_ignores_older_events(db, identity):
    created = identity.user("u1", team_id="t1")
    moved = identity.user("u1", team_id="t2", event_type="user_updated")
    gone = identity.user("u1", team_id="t2", event_type="user_deactivated", active=True)
    apply(db, moved, gone, created)
    with db.read_only() as session:
        user = session.get(UserCopy, "u1")
        assert (user.team_id, user.active, user.sequence) == ("t2", False, gone["sequence"])


def test_freshness_records_the_last_event_and_its_lag(db, customers):
    occurred = datetime.now(timezone.utc) - timedelta(seconds=30)
    before = REGISTRY.get_sample_value("crm_report_freshness_seconds_count", {"source": "customers"}) or 0
    envelope = customers.create("c1", created_at=T0)
    envelope["occurred_at"] = occurred.isoformat()
    apply(db, envelope)
    with db.read_only() as session:
        report = freshness.read(session)
    assert report["last_event_at"] == occurred.isoformat()
    assert 30 <= report["lag_seconds"] < 40
    assert report["sources"]["customers"]["sequence"] == envelope["sequence"]
    assert report["rebuilding"] == []
    assert REGISTRY.get_sample_value("crm_report_freshness_seconds_count",
                                     {"source": "customers"}) == before + 1
    lag = REGISTRY.get_sample_value("crm_consumer_lag_seconds",
                                    {"service": "reporting", "source": "customers"})
    assert 30 <= lag < 40


def test_a_replay_does_not_touch_freshness(db, customers):
    inbox.consume(db, customers.create("c1"), replaying=True)
    with db.read_only() as session:
        assert session.get(Freshness, "customers") is None
        assert freshness.read(session)["lag_seconds"] is None


def test_a_failed_apply_observes_no_freshness(db, customers):
    before = REGISTRY.get_sample_value("crm_report_freshness_seconds_count", {"source": "customers"}) or 0
    broken = customers.create("c1")
    del broken["payload"]["lifecycle_stage"]
    try:
        apply(db, broken)
    except ValueError as error:
        assert "unreadable customer_created" in str(error)
    else:
        raise AssertionError("an unreadable payload must raise (the catch-up stops there)")
    assert (REGISTRY.get_sample_value("crm_report_freshness_seconds_count",
                                      {"source": "customers"}) or 0) == before


def test_the_generated_live_handlers_go_through_the_per_projection_inbox(db, customers):
    """ChassisService makes one batched `on_<source>_events` from reporting's subscriptions;
    each event of a list lands in the inbox of every projection it feeds, once — a repeat in
    the same list or a later one is a duplicate; the per-event path (consume_event) the same."""
    from nameko.testing.services import worker_factory
    from sqlalchemy import select

    from services.reporting.models import ProjectionInbox
    from services.reporting.service import ReportingService
    service = worker_factory(ReportingService, db=db)
    created, logged = customers.create("c1"), customers.interaction("u1")
    other = customers.create("c2")
    assert service.on_customers_events([created, logged, created]) == [
        inbox.PROCESSED, inbox.PROCESSED, inbox.DUPLICATE]
    assert service.consume_event(created) == inbox.DUPLICATE
    assert service.on_customers_events([other, created, other]) == [
        inbox.PROCESSED, inbox.DUPLICATE, inbox.DUPLICATE]
    with db.read_only() as session:
        rows = set(session.execute(select(ProjectionInbox.projection, ProjectionInbox.event_id)))
    assert rows == {("customers", created["event_id"]), ("customers", other["event_id"]),
                    ("interactions", logged["event_id"]), ("churn_contacts", logged["event_id"])}
