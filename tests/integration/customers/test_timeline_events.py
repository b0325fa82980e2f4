"""The timeline from other services' events, over a real broker and a real database (SQLite and
PostgreSQL): stand-in marketing and service desk producers publish the event types through the real
chassis outbox; customers consumes them live and from their logs (catch-up); a
redelivered event and a replayed log add nothing."""
import pytest
from kombu import Connection
from nameko.rpc import rpc as rpc_entrypoint
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import delete, func, select
from sqlalchemy.orm import DeclarativeBase

from services import consumed_queues, registry
from services.chassis.db import Database, create_schema, make_engine
from services.chassis.errors import NotFound
from services.chassis.models import ConsumerPosition
from services.chassis.service import ChassisService
from services.customers.models import TimelineEntry
from services.customers.service import CustomersService
from services.marketing.events import EVENT_SCHEMAS as MARKETING_EVENTS
from services.service_desk.events import EVENT_SCHEMAS as DESK_EVENTS
from tests.helpers import wait_until
from tests.integration.customers.fake_identity import FakeIdentity, IdentityBase
from tests.integration.customers.support import ADMIN, REPS, rpc
from tests.unit.customers.test_timeline_events import at

pytestmark = pytest.mark.dialect_sensitive("the entry's ON CONFLICT on the event id; the "
                                           "keyset union over two tables")
OWNER, STRANGER = REPS[0], REPS[1]


class NoTables(DeclarativeBase):
    pass


class Verbatim:
    """The payloads as given (JSON over the RPC): their shape is the contract tests' business
    (tests/contract/test_customers_consumes_timeline.py); here it is the transport."""
    def dump(self, data):
        return dict(data)


MARKETING = {name: Verbatim() for name in MARKETING_EVENTS}
SERVICE_DESK = {name: Verbatim() for name in DESK_EVENTS}


def producer(source, schemas):
    class Producer(ChassisService):
        name = source
        db = Database(NoTables.metadata, event_schemas=schemas)

        @rpc_entrypoint
        def publish(self, events):
            # published before the call returns, not after the relay's linger: a test that
            # then starts a consumer must know whether the broker had a queue for them
            with self.db.unit_of_work(actor="u-admin", wait_for_publish=True) as uow:
                for event_type, payload in events:
                    uow.emit(event_type, payload)
    Producer.__name__ = f"{source.title().replace('_', '')}Producer"
    return Producer


@pytest.fixture
def databases(dialect, migrated_database, monkeypatch, tmp_path):
    monkeypatch.setenv("CATCH_UP_SECONDS", "3600")              # the tests say when to catch up
    url = migrated_database("customers", dialect)
    monkeypatch.setenv("CUSTOMERS_DATABASE_URL", url)
    engines = {"customers": make_engine(url)}
    for name in ("identity", "marketing", "service_desk"):
        other = f"sqlite:///{tmp_path / (name + '.db')}"
        monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", other)
        engines[name] = make_engine(other)
        create_schema(engines[name], NoTables.metadata)
    create_schema(engines["identity"], IdentityBase.metadata)
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def producers(container_factory, rabbit_config, databases):
    made = {"identity": container_factory(FakeIdentity, rabbit_config),
            "marketing": container_factory(producer("marketing", MARKETING), rabbit_config),
            "service_desk": container_factory(producer("service_desk", SERVICE_DESK),
                                              rabbit_config)}
    for container in made.values():
        container.start()
    return made


@pytest.fixture
def customers(container_factory, rabbit_config, databases):
    return container_factory(CustomersService, rabbit_config)


def timeline(customers, principal, customer_id):
    seen, cursor = [], None
    while True:
        page = rpc(customers, "get_timeline", principal, customer_id, cursor, 3)
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return seen


def entries(engine):
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(TimelineEntry))


def touches(customer_id):
    return {
        "marketing": [
            ("campaign_created", {"id": "camp-1", "name": "Spring", "channel": "email",
                                  "currency": "EUR", "budget": "0", "cost_total": "0",
                                  "segment_ids": [], "exclude_segment_ids": [],
                                  "owner_id": "u-m", "status": "draft", "changed_by": "u-m",
                                  "changed_at": at(0)}),
            ("campaign_email_sent", {"campaign_id": "camp-1", "contact_id": customer_id,
                                     "customer_id": customer_id, "email": "a@example.com",
                                     "message_id": "<m>", "sent_at": at(1)}),
            ("email_opened", {"campaign_id": "camp-1", "contact_id": customer_id,
                              "customer_id": customer_id, "first": True, "at": at(2)}),
            ("email_clicked", {"campaign_id": "camp-1", "contact_id": customer_id,
                               "customer_id": customer_id, "url": "https://example.com",
                               "first": True, "at": at(3)})],
        "service_desk": [
            ("ticket_created", {"id": "t-1", "customer_id": customer_id, "subject": "Broken",
                                "priority": "high", "channel": "web", "tags": [],
                                "status": "new", "status_category": "open",
                                "created_by": "u-agent", "created_at": at(4),
                                "updated_at": at(4)}),
            ("ticket_status_changed", {"ticket_id": "t-1", "customer_id": customer_id,
                                       "from_status": "open", "to_status": "resolved",
                                       "from_category": "open", "to_category": "resolved",
                                       "reason": "manual", "changed_by": "u-agent",
                                       "changed_at": at(5)}),
            ("survey_answered", {"survey_id": "s-1", "ticket_id": "t-1",
                                 "customer_id": customer_id, "agent_id": "u-agent",
                                 "score": 90, "comment": "great", "answered_at": at(6)}),
            ("followup_completed", {"followup_id": "f-1", "ticket_id": "t-1",
                                    "customer_id": customer_id, "assignee_id": "u-agent",
                                    "outcome": "fine", "completed_at": at(7)})],
    }


KINDS = ["followup_completed", "survey_answered", "ticket_resolved", "ticket_created",
         "campaign_clicked", "campaign_opened", "campaign_sent"]


def test_live_events_show_on_the_owners_timeline_once_whatever_is_redelivered(
        producers, customers, databases, rabbit_config):
    customers.start()
    customer_id = rpc(customers, "create_customer", OWNER, {"name": "Acme"})["id"]
    for source, events in touches(customer_id).items():
        rpc(producers[source], "publish", ADMIN, events)
    items = wait_until(lambda: (lambda got: len(got) == 7 and got)(
        timeline(customers, OWNER, customer_id)), message="seven timeline entries")
    assert [item["kind"] for item in items] == KINDS
    assert {item["title"] for item in items if item["ref_type"] == "campaign"} == {"Spring"}
    assert {item["title"] for item in items if item["ref_type"] == "ticket"} == {"Broken"}
    with pytest.raises(NotFound):
        rpc(customers, "get_timeline", STRANGER, customer_id, None, None)

    # the broker delivers every event again (a redelivery, a producer's relay re-publishing)
    logged = {source: rpc(producers[source], "events_since", ADMIN, 0, 100)
              for source in ("marketing", "service_desk")}
    dispatch = event_dispatcher(rabbit_config)
    for source, envelopes in logged.items():
        for envelope in envelopes:
            with entrypoint_waiter(customers, f"on_{source}_events") as outcome:   # batched
                dispatch(source, envelope["event_type"], envelope)
            assert outcome.get() == ["duplicate"]
    assert entries(databases["customers"]) == len(KINDS)  # the campaign's name is no entry
    assert [item["kind"] for item in timeline(customers, OWNER, customer_id)] == KINDS


def test_missed_events_arrive_by_catch_up_and_a_replayed_log_adds_nothing(
        producers, customers, databases, rabbit_config, container_factory):
    customers.start()
    customer_id = rpc(customers, "create_customer", OWNER, {"name": "Acme"})["id"]
    customers.stop()
    with Connection(rabbit_config["AMQP_URI"]) as connection:   # as if it never had listened:
        channel = connection.channel()                            # the broker drops the events
        for name in consumed_queues.queues(registry.get("customers")):
            if name.startswith("evt-"):
                channel.queue_delete(name)
    for source, events in touches(customer_id).items():
        rpc(producers[source], "publish", ADMIN, events)
    later = container_factory(CustomersService, rabbit_config)
    later.start()
    assert timeline(later, OWNER, customer_id) == []
    rpc(later, "catch_up_events", ADMIN)
    assert [item["kind"] for item in timeline(later, OWNER, customer_id)] == KINDS
    with databases["customers"].begin() as connection:       # replay both logs from the start
        connection.execute(delete(ConsumerPosition))
    rpc(later, "catch_up_events", ADMIN)
    assert entries(databases["customers"]) == len(KINDS)
    assert [item["kind"] for item in timeline(later, OWNER, customer_id)] == KINDS
