"""An import's customer_created in marketing (bench/FINDINGS.md, the import's marketing CPU per
row): a customer no event named yet gets its row and its own contact in two INSERTs — the same
rows, column for column, as the general path writes on a stub; a batch of them costs a few
statements (audience/prepared.py), the automation rules read once per unit of work and trigger (never
carried into the next unit)."""
import pytest
from sqlalchemy import create_engine, event, select

from services.chassis import inbox
from services.chassis.auth import Principal
from services.marketing.audience import projection, rows
from services.marketing.audience.models import AudienceContact, AudienceCustomer
from services.marketing.automation.handlers import rules, triggering
from services.marketing.automation.models import AutomationRun
from services.marketing.service import MarketingService
from tests.unit.marketing.support import T0, Log, apply, customer, marketing_db

MARKETER = Principal("u-mkt", "marketer")
WELCOME = {"name": "Welcome", "trigger": "customers.customer_created",
           "actions": [{"type": "add_tag", "tags": ["welcome"]}], "enabled": True}


def snapshot(db):
    """Every column of every audience customer and contact row."""
    with db.read_only() as session:
        return [[{column.key: getattr(row, column.key) for column in model.__table__.columns}
                 for row in session.scalars(select(model).order_by(model.id))]
                for model in (AudienceCustomer, AudienceContact)]


@pytest.mark.parametrize("changes", [{}, {"email": "  Info@Acme.EXAMPLE ", "owner_id": None,
                                          "region": None, "size": None, "value_class": None}])
def test_a_new_customer_gets_the_rows_the_general_path_writes(changes):
    created = Log("customers").emit("customer_created", customer(**changes))
    new, stubbed = (marketing_db(create_engine("sqlite://")) for _ in range(2))
    with stubbed.unit_of_work() as uow:       # a stub: customer_created takes the general path
        rows.customer(uow.session, "c-1")
    assert apply(new, created) == apply(stubbed, created) == [inbox.PROCESSED]
    assert snapshot(new) == snapshot(stubbed)
    (customer_row,), (contact_row,) = snapshot(new)
    assert (customer_row["known"], customer_row["record_sequence"], customer_row["owner_sequence"],
            contact_row["kind"], contact_row["active"]) == (True, 1, 1, "customer", True)


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_the_assignment_in_the_same_batch_applies_in_either_order(order):
    """In order: the new row, then the assignment moves it. Reversed: the assignment makes a
    stub, and the older customer_created takes the general path (record set, owner kept)."""
    log, db = Log("customers"), marketing_db(create_engine("sqlite://"))
    pair = [log.emit("customer_created", customer()),
            log.emit("customer_assigned", {"id": "c-1", "owner_id": "u-rep2",
                                           "previous_owner_id": "u-rep1", "region": "south",
                                           "reason": "manual", "assigned_by": "u-mgr"})]
    inbox.consume_all(db, MarketingService.subscriptions, [pair[i] for i in order])
    (customer_row,), (contact_row,) = snapshot(db)
    assert (customer_row["known"], customer_row["name"], customer_row["owner_id"],
            customer_row["region"], customer_row["record_sequence"],
            customer_row["owner_sequence"]) == (True, "Acme", "u-rep2", "south", 1, 2)
    assert (contact_row["id"], contact_row["name"], contact_row["email_norm"]) == (
        "c-1", "Acme", "info@acme.example")


def statements(db, containing=""):
    """The number of statements issued from now on (those containing `containing`)."""
    count = [0]

    def counted(_connection, _cursor, statement, *_args):
        if containing in statement:
            count[0] += 1
    event.listen(db._provider.engine, "before_cursor_execute", counted)
    return count


def test_a_batch_of_new_customers_costs_a_few_statements():
    log, db = Log("customers"), marketing_db(create_engine("sqlite://"))
    batch = [log.emit("customer_created", customer(id=f"c-{n}", email=f"c{n}@example.com"))
             for n in range(50)]
    count = statements(db)
    assert set(inbox.consume_all(db, MarketingService.subscriptions, batch)) == {inbox.PROCESSED}
    # per batch: the inbox, the customers looked up, the customers' and their contacts'
    # multi-row INSERTs (audience/prepared.py), the rules, the segments' catalogue (no segment:
    # nothing evaluated)
    assert count[0] <= 10
    assert len(snapshot(db)[1]) == 50


def test_the_rules_are_read_once_per_unit_and_a_later_unit_sees_a_new_rule(monkeypatch):
    monkeypatch.setattr(triggering, "utcnow", lambda: T0)
    monkeypatch.setattr(rules, "utcnow", lambda: T0)
    db, log = marketing_db(create_engine("sqlite://")), Log("customers")
    reads = statements(db, "FROM automation_rule")
    first = [log.emit("customer_created", customer(id=f"c-{n}")) for n in range(3)]
    inbox.consume_all(db, MarketingService.subscriptions, first)        # no rule yet
    assert reads[0] == 1
    with db.unit_of_work(actor=MARKETER.user_id) as uow:     # enabled at T0, before the events
        rule = rules.create_rule(uow, MARKETER, WELCOME)
    reads[0] = 0
    second = [log.emit("customer_created", customer(id=f"d-{n}")) for n in range(3)]
    inbox.consume_all(db, MarketingService.subscriptions, second)
    with db.read_only() as session:
        scheduled = sorted(session.scalars(select(AutomationRun.customer_id)
                                           .where(AutomationRun.rule_id == rule["id"])))
    assert scheduled == ["d-0", "d-1", "d-2"]
    assert reads[0] == 1


def assigned(customer_id, owner_id, region):
    return {"id": customer_id, "owner_id": owner_id, "previous_owner_id": None,
            "region": region, "reason": "round_robin", "assigned_by": "system"}


def test_an_assignment_moves_the_owner_in_one_update_and_a_held_copy_follows():
    """customer_assigned on a row with an older owner: one UPDATE (and its contacts read); a copy
    of the row the unit already holds shows the new owner; an older assignment changes nothing;
    one for a customer without a row makes its stub, as before."""
    log, db = Log("customers"), marketing_db(create_engine("sqlite://"))
    created = log.emit("customer_created", customer())
    moved = log.emit("customer_assigned", assigned("c-1", "u-rep2", "south"))
    older = log.emit("customer_assigned", assigned("c-1", "u-rep3", "west"))
    apply(db, created)
    count = statements(db)
    with db.unit_of_work() as uow:
        held = uow.session.get(AudienceCustomer, "c-1")
        assert held.owner_id == "u-rep1"
        assert projection.customer_assigned(uow, moved) == {"c-1"}
        assert (held.owner_id, held.region, held.owner_sequence) == ("u-rep2", "south", 2)
    assert count[0] == 4       # the held copy read, the UPDATE, the contacts, its refresh
    older["sequence"] = 1
    apply(db, older)
    ahead = log.emit("customer_assigned", assigned("c-9", "u-rep2", "south"))
    apply(db, ahead)
    rows_ = {row["id"]: row for row in snapshot(db)[0]}
    assert (rows_["c-1"]["owner_id"], rows_["c-1"]["region"], rows_["c-1"]["owner_sequence"]) == (
        "u-rep2", "south", 2)
    assert (rows_["c-9"]["known"], rows_["c-9"]["owner_id"], rows_["c-9"]["owner_sequence"]) == (
        False, "u-rep2", 4)
