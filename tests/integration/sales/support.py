"""Principals and helpers for the sales integration tests."""
from nameko.events import event_handler
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook
from sqlalchemy import select

from services.chassis.auth import Principal
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


def _recorder(event_type):
    """A distinct handler function per event type (an entrypoint belongs to one function)."""
    def record(self, envelope):
        EventLog.received.append(envelope)
    record.__name__ = f"on_{event_type}"
    return event_handler("sales", event_type)(record)


class EventLog:
    """A consumer of every sales event: proves they reach the broker with their envelope."""
    name = "sales_event_log"
    received = []
    locals().update({f"on_{event_type}": _recorder(event_type) for event_type in EVENT_SCHEMAS})


def received(event_type):
    return [e for e in EventLog.received if e["event_type"] == event_type]
