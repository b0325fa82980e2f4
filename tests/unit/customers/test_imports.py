"""CSV import: header checks, per-row outcomes, dedup on re-run, crash and resume, visibility."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from services.chassis.errors import Invalid, NotFound
from services.chassis.models import utcnow
from services.customers.handlers import customers, import_runner, import_upload, imports, search
from services.customers.models import ImportJob, ImportRow
from tests.unit.customers.support import ADMIN, MANAGER, REP_A, REP_B, call, events

GOOD = ("name,email,phone,region,annual_revenue,currency,size\n"
        "Acme,acme@x.example,+49 30 1111111,EU,100.00,EUR,12\n"
        "北京科技,,+86 10 5555 0000,APAC,,,\n"
        "Zeta,zeta@x.example,,US,,,\n")


def start(db, principal, text):
    return call(db, imports.start_import, principal, text)


def report(db, principal, job_id):
    return call(db, imports.get_import, principal, job_id, write=False)


def run(db, **options):
    return import_runner.process_pending(db, **options)


@pytest.mark.parametrize("text, field", [
    ("", "header"), ("email\nx@y.example\n", "header"), ("name,colour\nAcme,red\n", "header"),
    ("name,Name\nA,B\n", "header"), ("name,owner_id\nA,u-rep-a\n", "header"), ("name\n", "csv"),
    ("name\n\n  \n", "csv"), (b"name\nA\n", "csv")])
def test_a_bad_file_is_refused_whole(people, text, field):
    with pytest.raises(Invalid) as error:
        start(people, ADMIN, text)
    assert field in error.value.details


def test_size_limits(people, monkeypatch):
    monkeypatch.setenv("IMPORT_MAX_ROWS", "2")
    with pytest.raises(Invalid):
        start(people, ADMIN, GOOD)
    monkeypatch.setenv("IMPORT_MAX_BYTES", "10")
    with pytest.raises(Invalid):
        start(people, ADMIN, GOOD)


def test_a_job_imports_reports_and_a_rerun_creates_nothing_new(people):
    job = start(people, ADMIN, "\ufeff" + GOOD)
    assert job["status"] == "pending" and job["total_rows"] == 3
    assert report(people, ADMIN, job["id"])["processed_rows"] == 0
    run(people)
    done = report(people, ADMIN, job["id"])
    assert (done["status"], done["processed_rows"], done["created"], done["duplicates"],
            done["failed"], done["errors"]) == ("done", 3, 3, 0, 0, [])
    listed = call(people, search.list_customers, ADMIN, {"sort": "name"}, write=False)["items"]
    # Round-robin per region pool; APAC has no reps, so the all-reps pool serves it.
    assert [(c["name"], c["owner_id"]) for c in listed] == [
        ("Acme", "u-rep-a"), ("Zeta", "u-rep-c"), ("北京科技", "u-rep-a")]
    assert listed[0]["annual_revenue"] == "100.00" and listed[0]["size"] == 12

    again = start(people, ADMIN, GOOD)
    run(people)
    rerun = report(people, ADMIN, again["id"])
    assert (rerun["created"], rerun["duplicates"], rerun["failed"]) == (0, 3, 0)
    assert [(e["row"], e["field"]) for e in rerun["errors"]] == [(2, "email"), (3, "name"), (4, "email")]
    assert rerun["errors"][0]["duplicate_of"] == listed[0]["id"]
    assert len(events(people, "customer_created")) == 3


def test_the_runner_waits_for_its_batches_events_to_be_published_a_live_write_does_not(people):
    """The runner paces itself on its batch's publish (its wait is also where the service's
    other calls get their turn); a live write's events are left to the relay's next round."""
    relay = people._provider.relay
    job = start(people, ADMIN, GOOD)
    relay.waits.clear()
    run(people)
    assert report(people, ADMIN, job["id"])["created"] == 3 and relay.waits == [True]
    relay.waits.clear()
    call(people, customers.create_customer, ADMIN, {"name": "Live Co", "region": "EU"})
    assert relay.waits == [False]


def test_row_errors_name_the_row_and_field_and_the_rest_goes_in(people):
    text = ('name,email,size,phone,kind\n'
            'Good,good@x.example,10,,company\n'
            'Bad email,nope,,,company\n'
            '\n'
            'Bad size,,ten,,company\n'
            '"Multi\nline",,,,individual\n'      # one row; a name is single-line text
            'Too,many,cells,,,x\n'
            'Twin,good@x.example,,,company\n'
            'Bad kind and phone,,,abc,robot\n')
    job = start(people, REP_A, text)
    assert job["total_rows"] == 7                      # the blank row carries nothing
    run(people, batch_size=2)
    done = report(people, REP_A, job["id"])
    assert (done["created"], done["duplicates"], done["failed"], done["processed_rows"]) == (1, 1, 5, 7)
    found = {(error["row"], error["field"]) for error in done["errors"]}
    assert found == {(3, "email"), (5, "size"), (6, "name"), (7, None), (8, "email"), (9, "kind"),
                     (9, "phone")}
    assert all(error["message"] for error in done["errors"])
    owners = {c["owner_id"] for c in call(people, search.list_customers, REP_A, {}, write=False)["items"]}
    assert owners == {REP_A.user_id}                   # a rep importer owns what they import


def test_a_crash_mid_batch_loses_nothing_and_the_job_resumes(people, monkeypatch):
    job = start(people, MANAGER, "name\n" + "".join(f"Row {n}\n" for n in range(5)))
    real = customers.record
    calls = {"n": 0}

    def crash_on_the_fourth(customer):
        calls["n"] += 1              # the second batch's customers are inserted, not committed
        if calls["n"] == 4:
            raise SystemExit("worker killed")      # not an Exception: nothing catches it
        return real(customer)
    monkeypatch.setattr(customers, "record", crash_on_the_fourth)
    with pytest.raises(SystemExit):
        run(people, batch_size=2)
    stuck = report(people, ADMIN, job["id"])
    assert (stuck["status"], stuck["processed_rows"], stuck["created"]) == ("running", 2, 2)

    monkeypatch.setattr(customers, "record", real)
    run(people)
    assert report(people, ADMIN, job["id"])["status"] == "running"   # the lease still holds
    with people.unit_of_work() as uow:                               # ... until it runs out
        uow.session.execute(update(ImportJob).values(lease_until=ImportJob.created_at))
    run(people)
    done = report(people, ADMIN, job["id"])
    assert (done["status"], done["processed_rows"], done["created"], done["failed"]) == ("done", 5, 5, 0)
    assert len(events(people, "customer_created")) == 5


def test_an_unexpected_row_failure_is_reported_not_looped(people, monkeypatch):
    job = start(people, ADMIN, "name\nOk\nBoom\nAlso ok\n")
    real = import_runner.customers_bulk.create_customers

    def explode(uow, principal, inputs):
        if any(data["name"] == "Boom" for data in inputs):
            raise RuntimeError("database said no")
        return real(uow, principal, inputs)
    monkeypatch.setattr(import_runner.customers_bulk, "create_customers", explode)
    run(people)
    done = report(people, ADMIN, job["id"])
    assert (done["status"], done["created"], done["failed"]) == ("done", 2, 1)
    assert done["errors"] == [{"row": 3, "field": None,
                               "message": "This row could not be stored (internal error)."}]


def test_a_job_is_seen_by_its_creator_and_admins_only(people):
    job = start(people, REP_A, "name\nA\n")
    assert report(people, REP_A, job["id"])["id"] == job["id"]
    assert report(people, ADMIN, job["id"])["created_by"] == REP_A.user_id
    for principal in (REP_B, MANAGER):
        with pytest.raises(NotFound):
            report(people, principal, job["id"])


def test_a_released_job_is_picked_up_again(people):
    job = start(people, ADMIN, "name\n" + "".join(f"R{n}\n" for n in range(5)))
    run(people, batch_size=2, max_batches=1)
    partial = report(people, ADMIN, job["id"])
    assert (partial["status"], partial["processed_rows"]) == ("pending", 2)
    run(people, batch_size=2)
    assert report(people, ADMIN, job["id"])["status"] == "done"
    with people.read_only() as session:
        assert session.scalar(select(ImportJob.claim)) is None


def test_an_upload_stalled_for_a_lease_is_failed_and_its_rows_dropped(people):
    job = call(people, import_upload.open_import, ADMIN)
    call(people, import_upload.append_import, ADMIN, job["id"], 1, "name\nKept?\nHalf")
    run(people)
    assert report(people, ADMIN, job["id"])["status"] == "uploading"     # within its lease
    with people.unit_of_work() as uow:
        uow.session.execute(update(ImportJob).values(lease_until=utcnow() - timedelta(seconds=1)))
    run(people)
    stalled = report(people, ADMIN, job["id"])
    assert (stalled["status"], stalled["error"], stalled["processed_rows"]) == (
        "failed", "The upload stopped: no part came for too long.", 0)
    with people.read_only() as session:
        assert session.scalars(select(ImportRow)).all() == []
    with pytest.raises(Invalid):
        call(people, import_upload.append_import, ADMIN, job["id"], 2, "Late\n")
