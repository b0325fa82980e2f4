"""Principals and helpers for the customers integration tests."""
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook
from sqlalchemy import select

from services.chassis.auth import Principal
from services.customers.models import UserCopy
from tests.helpers import wait_until
from tests.integration.customers.fake_identity import user

ADMIN = Principal("u-admin", "admin")
REPS = [Principal(f"u-rep-{letter}", "sales_rep", team_id="team-1", region="EU") for letter in "abc"]


def as_(principal):
    return {"principal": principal.to_json()}


def rpc(container, method, principal, *args, **kwargs):
    with entrypoint_hook(container, method, context_data=as_(principal)) as hook:
        return hook(*args, **kwargs)


def proxy(rabbit_config, principal):
    """A real RPC client over the broker, carrying `principal` like the gateway does."""
    return ServiceRpcProxy("customers", rabbit_config, context_data=as_(principal))


def copied_users(engine):
    with engine.connect() as connection:
        return set(connection.scalars(select(UserCopy.id).where(UserCopy.active.is_(True))))


def publish_reps(services, databases, reps=REPS):
    """identity announces the reps; wait until customers' copy has them all."""
    for rep in reps:
        rpc(services["identity"], "put_user", ADMIN,
            user(rep.user_id, team_id=rep.team_id, region=rep.region))
    wanted = {rep.user_id for rep in reps}
    wait_until(lambda: wanted <= copied_users(databases["customers"]), message="users copied")
