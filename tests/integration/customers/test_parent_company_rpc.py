"""Parent companies over a real broker, on SQLite and PostgreSQL (migrated by alembic): set on
create and by update, refusals (unknown, itself, a cycle) cross RPC as Invalid and change
nothing, and a merge hands the loser's subsidiaries to the winner."""
import pytest

from services.chassis.errors import Invalid
from tests.integration.customers.support import REPS, proxy, publish_reps

pytestmark = pytest.mark.dialect_sensitive("the parent-cycle walk and a merge's bulk re-parenting")


def test_parents_set_checked_and_moved_on_merge(services, databases, rabbit_config):
    publish_reps(services, databases)
    with proxy(rabbit_config, REPS[0]) as customers:
        group = customers.create_customer({"name": "Acme Corporation"})["id"]
        labs = customers.create_customer({"name": "Acme Labs", "parent_id": group})
        assert customers.get_customer(labs["id"])["parent_id"] == group
        for target, parent in ((group, labs["id"]), (group, group), (labs["id"], "no-such-id")):
            with pytest.raises(Invalid) as refused:
                customers.update_customer(target, {"parent_id": parent})
            assert "parent_id" in refused.value.details
        assert customers.get_customer(group)["parent_id"] is None
        assert customers.get_customer(labs["id"])["parent_id"] == group

        twin = customers.create_customer({"name": "Acme Corp (old)"}, True)["id"]
        tools = customers.create_customer({"name": "Acme Tools", "parent_id": twin})["id"]
        customers.merge_customers(group, twin)
        assert customers.get_customer(tools)["parent_id"] == group
