"""Principals and helpers for the sales integration tests."""
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook
from sqlalchemy import select

from services.chassis.auth import Principal
from services.chassis.queues import batch_event_handler
from services.sales.events import EVENT_SCHEMAS
from services.sales.users import UserCopy
from tests.helpers import wait_until
from tests.integration.customers.fake_identity import user

ADMIN = Principal("u-admin", "admin")
MANAGER = Principal("u-manager", "manager", team_id="team-1", region="EU")
REPS = [Principal(f"u-rep-{letter}", "sales_rep", team_id="team-1", region="EU") for letter in "ab"]
OUTSIDER = Principal("u-rep-z", "sales_rep", team_id="team-9", region="US")


def as_(principal):
    return {"principal": principal.to_json()}


def rpc(container, method, principal, *args, **kwargs):
    with entrypoint_hook(container, method, context_data=as_(principal)) as hook:
        return hook(*args, **kwargs)


def proxy(rabbit_config, principal, service="sales"):
    return ServiceRpcProxy(service, rabbit_config, context_data=as_(principal))


def copied(engine):
    with engine.connect() as connection:
        return set(connection.scalars(select(UserCopy.id).where(UserCopy.active.is_(True))))


def publish_people(services, databases, people=(*REPS, MANAGER, OUTSIDER)):
    """identity announces the people; wait until sales' and customers' copies have them."""
    for person in people:
        rpc(services["identity"], "put_user", ADMIN,
            user(person.user_id, role=person.role, team_id=person.team_id, region=person.region))
    wanted = {person.user_id for person in people}
    wait_until(lambda: wanted <= copied(databases["sales"]), message="users copied by sales")


class EventLog:
    """A consumer of every sales event: proves they reach the broker with their envelope (in
    batches: sales sends runs of events as packs, which only batched handlers read)."""
    name = "sales_event_log"
    received = []

    @batch_event_handler("sales", tuple(EVENT_SCHEMAS))
    def on_sales_events(self, envelopes):
        EventLog.received.extend(envelopes)


def received(event_type):
    return [e for e in EventLog.received if e["event_type"] == event_type]
