"""The import's bulk path (customers_bulk.create_customers) against the per-row path it replaced
(create_customer once per row, as the runner did before), on a mixed file, on SQLite and
PostgreSQL: the same outcome per row, owners in the same round-robin order, the same events in
the same order with the same payloads, the same cursors.

Each path runs on its own copy of the migrated database, seeded alike. Ids are random, so the
comparison names customers by their name (the file's names are unique)."""
import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from services.chassis.db import make_engine
from services.chassis.errors import CrmError
from services.chassis.models import OutboxEvent
from services.customers.events import EVENT_SCHEMAS
from services.customers.handlers import customers, customers_bulk, import_runner, imports
from services.customers.models import AssignmentCursor, Base, Customer, ImportRow
from tests.unit.chassis.fakes import make_db
from tests.unit.customers.support import ADMIN, EVERYONE, REP_A, call, create, user_event

pytestmark = pytest.mark.dialect_sensitive("the import batch's IN queries, executemany inserts "
                                           "and cursor updates")

HEADER = "name,email,phone,region,annual_revenue,currency,size,parent_id\n"


def mixed_file(parent_id):
    rows = [
        "Alpha,alpha@x.example,,EU,,,,",
        "Bad email,nope,,EU,,,,",                                 # failed: email
        "Alpha twin,ALPHA@x.example,,EU,,,,",                     # duplicate within the file
        "Known by email,known@x.example,,US,,,,",                 # duplicate of the book
        "OLD  firm,,+49 (30) 111,EU,,,,",                         # duplicate of the book: name+phone
        "Gone again,gone@x.example,,EU,,,,",                      # twin of a merged-away customer
        "Beta,,+1 555 0100,US,,,,",
        "Gamma,,,APAC,,,,",                                       # no reps in APAC: all reps
        "Delta,,,,,,,",                                           # no region: all reps
        "Revenue only,,,EU,10.00,,,",                             # failed: currency
        "Bad size,,,EU,,,ten,",                                   # failed: size
        "beta,,+1-555-0100,EU,,,,",                               # twin of row 8 (name+phone)
        f"Subsidiary,,,EU,,,,{parent_id}",                        # a parent from the book
        "Orphan,,,EU,,,,no-such-id",                              # failed: parent
        '"Multi\nline",,,EU,,,,',                                 # failed: a name is one line
        "Too,many,cells,,,,,,,",                                  # failed: cell count
        "Epsilon,eps@x.example,,EU,1200.50,EUR,40,",
        "Zeta,,,EU,,,,",
        "Eta,eta@x.example,,eu,,,,",                              # "eu" is no region of a rep
        "Theta,ETA@x.example,,EU,,,,",                            # twin of the row before
        "Iota,,,US,,,,",
        "Kappa,,,EU,,,,",
    ]
    return HEADER + "\n".join(rows) + "\n"


def one_by_one(uow, principal, inputs):
    """The per-row path: create_customer for each input, its error kept as the outcome."""
    outcomes = []
    for data in inputs:
        try:
            outcomes.append(SimpleNamespace(id=customers.create_customer(uow, principal, data)["id"]))
        except CrmError as error:
            outcomes.append(error)
    return outcomes


def seeded(url):
    db = make_db(make_engine(url), Base.metadata, source="customers", event_schemas=EVENT_SCHEMAS)
    for principal in EVERYONE:
        user_event(db, principal)
    create(db, ADMIN, name="Known", email="known@x.example", region="US")
    create(db, ADMIN, name="Old Firm", phone="+49 30 111", region="EU")
    parent = create(db, ADMIN, name="Group", region="EU")
    gone = create(db, ADMIN, name="Gone", email="gone@x.example", region="EU")
    with db.unit_of_work() as uow:
        uow.session.execute(update(Customer).where(Customer.id == gone["id"])
                            .values(merged_into=parent["id"]))
    return db, parent["id"]


def imported(db, parent_id, principal, batch_size):
    """Everything the import changed, with customers named instead of identified."""
    job = call(db, imports.start_import, principal, mixed_file(parent_id))
    import_runner.process_pending(db, batch_size=batch_size)
    with db.read_only() as session:
        names = dict(session.execute(select(Customer.id, Customer.name)).all())
        rows = [(row.row, row.status, names.get(row.customer_id), json.loads(row.errors or "[]"))
                for row in session.scalars(select(ImportRow).where(ImportRow.job_id == job["id"])
                                           .order_by(ImportRow.row))]
        for _, _, _, errors in rows:
            for error in errors:
                if "duplicate_of" in error:
                    error["duplicate_of"] = names[error["duplicate_of"]]
        stored = [{key: names.get(value, value) if key in ("id", "parent_id", "merged_into") else value
                   for key, value in record.items() if key not in ("created_at", "updated_at")}
                  for record in (_columns(c) for c in session.scalars(
                      select(Customer).order_by(Customer.name)))]
        cursors = session.execute(select(AssignmentCursor.pool, AssignmentCursor.last_owner_id,
                                         AssignmentCursor.turns).order_by(AssignmentCursor.pool)).all()
        outbox = session.execute(select(OutboxEvent.sequence, OutboxEvent.event_type,
                                        OutboxEvent.actor, OutboxEvent.payload)
                                 .order_by(OutboxEvent.sequence)).all()
    events = []
    for sequence, event_type, actor, payload in outbox:
        payload = json.loads(payload)
        for key in ("id", "parent_id"):
            if payload.get(key):
                payload[key] = names[payload[key]]
        payload.pop("created_at", None)
        payload.pop("updated_at", None)
        events.append((sequence, event_type, actor, payload))
    report = call(db, imports.get_import, principal, job["id"], write=False)
    counts = {key: report[key] for key in ("status", "processed_rows", "created", "duplicates", "failed")}
    return {"rows": rows, "customers": stored, "cursors": cursors, "events": events, "counts": counts}


def _columns(customer):
    return {key: getattr(customer, key) for key, _column in customers._COLUMNS}


@pytest.mark.parametrize("principal", [ADMIN, REP_A], ids=["round-robin", "rep-owns"])
@pytest.mark.parametrize("batch_size", [500, 4])
def test_the_bulk_path_gives_the_per_row_paths_outcomes(dialect, migrated_database, monkeypatch,
                                                         principal, batch_size):
    per_row_db, per_row_parent = seeded(migrated_database("customers", dialect))
    bulk_db, bulk_parent = seeded(migrated_database("customers", dialect))
    with monkeypatch.context() as patched:
        patched.setattr(customers_bulk, "create_customers", one_by_one)
        expected = imported(per_row_db, per_row_parent, principal, batch_size)
    got = imported(bulk_db, bulk_parent, principal, batch_size)

    sees_the_parent = principal is ADMIN        # a rep does not see another rep's "Group"
    assert got["counts"] == expected["counts"] == {
        "status": "done", "processed_rows": 22, "created": 11 if sees_the_parent else 10,
        "duplicates": 5, "failed": 6 if sees_the_parent else 7}
    assert got["rows"] == expected["rows"]
    assert got["customers"] == expected["customers"]
    assert got["cursors"] == expected["cursors"]
    # the same events with the same sequences, except that each batch's customer_created come
    # first, then its customer_assigned (two runs the relay packs): per type in the same order
    def per_type(events):
        return {kind: [(actor, payload) for _, event_type, actor, payload in events
                       if event_type == kind] for kind in ("customer_created", "customer_assigned")}
    assert per_type(got["events"]) == per_type(expected["events"])
    assert [sequence for sequence, *_ in got["events"]] == [s for s, *_ in expected["events"]]
    created_at = {payload["id"]: sequence for sequence, event_type, _, payload in got["events"]
                  if event_type == "customer_created"}
    assert all(created_at[payload["id"]] < sequence
               for sequence, event_type, _, payload in got["events"]
               if event_type == "customer_assigned")
    if batch_size == 500:           # one batch: two runs
        new = got["counts"]["created"]
        assert [event_type for _, event_type, _, _ in got["events"]][-2 * new:] == (
            ["customer_created"] * new + ["customer_assigned"] * new)

    # What the per-row path gives, spelt out (so both cannot be wrong alike):
    outcome = {row: (status, name, [(e["field"], e.get("duplicate_of")) for e in errors])
               for row, status, name, errors in got["rows"]}
    assert outcome[4] == ("duplicate", None, [("email", "Alpha")])
    assert outcome[5] == ("duplicate", None, [("email", "Known")])
    assert outcome[6] == ("duplicate", None, [("name", "Old Firm")])
    assert outcome[7][:2] == ("created", "Gone again")          # the merged-away one is no twin
    assert outcome[13] == ("duplicate", None, [("name", "Beta")])
    assert outcome[21] == ("duplicate", None, [("email", "Eta")])
    assert [row for row, (status, *_) in outcome.items() if status == "failed"] == sorted(
        [3, 11, 12, 15, 16, 17] + ([] if sees_the_parent else [14]))
    owners = {c["id"]: c["owner_id"] for c in got["customers"]}
    if principal is ADMIN:
        assert {c["id"]: c["parent_id"] for c in got["customers"]}["Subsidiary"] == "Group"
        # EU: reps a, b in turn, after the seeding's a, b, a; US: c alone; APAC, none and "eu"
        # (no rep's region) share the all-reps pool.
        assert [owners[name] for name in ("Alpha", "Gone again", "Subsidiary", "Epsilon", "Zeta",
                                          "Kappa")] == ["u-rep-b", "u-rep-a"] * 3
        assert [owners[name] for name in ("Beta", "Iota")] == ["u-rep-c"] * 2
        assert [owners[name] for name in ("Gamma", "Delta", "Eta")] == ["u-rep-a", "u-rep-b",
                                                                        "u-rep-c"]
    else:
        assert {owners[c["id"]] for c in got["customers"] if c["created_by"] == REP_A.user_id} \
            == {REP_A.user_id}
    types = [event_type for _, event_type, _, _ in got["events"]]
    assert types.count("customer_created") == types.count("customer_assigned") == 4 + (
        11 if sees_the_parent else 10)
