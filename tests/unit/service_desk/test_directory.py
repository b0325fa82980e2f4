"""The directory copy from customers' events: records and owners (an older event never
overwrites a newer one), contact persons, a merge that moves the loser's contacts and tickets
to the winner (each ticket's history and a ticket_updated), repeats applied once."""
from services.service_desk.directory.models import DeskContact, DeskCustomer
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import (AGENT_A, Log, apply, contact, customer, desk_db,
                                             events, seeded_db)


def test_records_owners_and_contacts():
    db, log = desk_db(), Log("customers")
    created = log.emit("customer_created", customer())
    renamed = log.emit("customer_updated", {**customer(name="Acme Corp", value_class="B"),
                                            "changed": ["name", "value_class"]})
    added = log.emit("contact_added", contact())
    assert apply(db, renamed, created, added, added) == [
        "processed", "processed", "processed", "duplicate"]
    with db.read_only() as session:
        row = session.get(DeskCustomer, "c-1")
        assert (row.known, row.name, row.value_class, row.owner_id) == (
            True, "Acme Corp", "B", "u-rep1")               # the older record did not win
        assert session.get(DeskContact, "ct-1").customer_id == "c-1"


def test_a_contact_before_its_customer_leaves_the_customer_unknown():
    db, log = desk_db(), Log("customers")
    apply(db, log.emit("contact_added", contact()))
    with db.read_only() as session:
        assert session.get(DeskCustomer, "c-1").known is False


def test_a_customer_merge_moves_contacts_and_tickets_to_the_winner():
    db = seeded_db()
    ticket = ops.create_ticket(db, AGENT_A, customer_id="c-2", contact_id="ct-2")
    log = db.logs["customers"]
    apply(db, log.emit("customer_merged", {
        "winner_id": "c-1", "loser_id": "c-2", "merged_at": customer()["created_at"],
        "contacts_moved": 1, "interactions_moved": 0, "tags": []}))
    moved = ops.get(db, AGENT_A, ticket["id"])
    assert (moved["customer_id"], moved["contact_id"]) == ("c-1", "ct-2")
    assert events(db, "ticket_updated")[-1][1]["changed"] == ["customer_id"]
    assert ops.history(db, AGENT_A, ticket["id"])["items"][-1]["changes"] == {
        "customer_id": ["c-2", "c-1"]}
    with db.read_only() as session:
        assert session.get(DeskContact, "ct-2").customer_id == "c-1"
        assert session.get(DeskCustomer, "c-2").merged_into == "c-1"
    late = log.emit("contact_added", contact(id="ct-3", customer_id="c-2"))
    apply(db, late)
    with db.read_only() as session:
        assert session.get(DeskContact, "ct-3").customer_id == "c-1"


def test_a_live_batch_with_a_repeat_and_its_redelivery_apply_once_in_one_transaction():
    """The live path's batches: customers' events in one transaction through the chassis's inbox — a
    creation, its contact and a merge sharing one unit of work see each other's changes."""
    from services.service_desk.service import ServiceDeskService
    from tests.unit.chassis.test_inbox_batches import CountingDb
    db, log = desk_db(), Log("customers")
    counting = CountingDb(db)
    batch = [log.emit("customer_created", customer()),
             log.emit("customer_created", customer(id="c-2", name="Beta")),
             log.emit("contact_added", contact(id="ct-2", customer_id="c-2")),
             log.emit("customer_merged", {
                 "winner_id": "c-1", "loser_id": "c-2", "merged_at": customer()["created_at"],
                 "contacts_moved": 1, "interactions_moved": 0, "tags": []})]
    service = ServiceDeskService()
    service.db = counting
    assert hasattr(ServiceDeskService, "on_customers_events")
    assert service.consume_events(batch + batch[2:3]) == ["processed"] * 4 + ["duplicate"]
    assert counting.transactions == 1
    assert service.consume_events(batch) == ["duplicate"] * 4       # the broker redelivers it
    with db.read_only() as session:
        assert session.get(DeskContact, "ct-2").customer_id == "c-1"
        assert session.get(DeskCustomer, "c-2").merged_into == "c-1"


def directory(db):
    """Every column of every directory customer row."""
    with db.read_only() as session:
        return [{column.key: getattr(row, column.key) for column in DeskCustomer.__table__.columns}
                for row in session.query(DeskCustomer).order_by(DeskCustomer.id)]


def test_a_new_customer_gets_the_row_the_general_path_writes():
    """An import's customer_created (no event named the customer yet) inserts the row complete
    in one statement: the same row, column for column, as the event writes on a stub."""
    from services.service_desk.directory.projection import locked_customer
    log = Log("customers")
    created = log.emit("customer_created", customer(email=" Info@Acme.example"))
    new, stubbed = desk_db(), desk_db()
    with stubbed.unit_of_work() as uow:
        locked_customer(uow.session, "c-1")
    assert apply(new, created) == apply(stubbed, created) == ["processed"]
    assert directory(new) == directory(stubbed)
    assert [(row["known"], row["record_sequence"], row["owner_sequence"])
            for row in directory(new)] == [(True, 1, 1)]
    assigned = log.emit("customer_assigned", {"id": "c-1", "owner_id": "u-rep2",
                                              "previous_owner_id": None, "region": "north",
                                              "reason": "round_robin", "assigned_by": "system"})
    apply(new, assigned)
    assert [(row["owner_id"], row["owner_sequence"]) for row in directory(new)] == [("u-rep2", 2)]
