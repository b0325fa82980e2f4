"""The runner's read of a job's next pending rows seeks past the rows the job has settled.

On PostgreSQL a settled row's UPDATE (status pending → created) leaves its old `pending` entry
in ix_import_row_job_status_row until VACUUM; a read of `status = 'pending' ORDER BY row`
starting at the job's first pending entry walks every one of them — deep into a million-row
job, hundreds of thousands of index entries per batch (bench/import_batch.py --settled,
bench/FINDINGS.md eighth session). The read is bounded by the job's progress (`row >
processed_rows`), so the index scan starts where the pending rows are; the outcomes are those
of test_import_bulk."""
import pytest
from sqlalchemy import event, text

from services.chassis.db import make_engine
from services.customers.events import EVENT_SCHEMAS
from services.customers.handlers import import_runner, imports
from services.customers.models import Base
from tests.unit.chassis.fakes import make_db
from tests.unit.customers.support import ADMIN, EVERYONE, call, user_event

ROWS, BATCH, SETTLED_BATCHES = 5_000, 500, 8


def a_file(rows):
    return "name,email,region\n" + "".join(f"Firm {n:05d},firm{n}@x.example,EU\n"
                                           for n in range(1, rows + 1))


@pytest.mark.postgres
def test_the_next_batch_reads_past_the_settled_rows(migrated_database):
    db = make_db(make_engine(migrated_database("customers", "postgresql")), Base.metadata,
                 source="customers", event_schemas=EVENT_SCHEMAS)
    for principal in EVERYONE:
        user_event(db, principal)
    job = call(db, imports.start_import, ADMIN, a_file(ROWS))
    job_id, token = import_runner.claim_next(db)
    for _ in range(SETTLED_BATCHES):
        assert import_runner.run_batch(db, job_id, token, BATCH)

    plans = []

    def explain(conn, cursor, statement, parameters, context, executemany):
        """The runner's read, planned and run as it is about to run (a read has no effect)."""
        if statement.lstrip().startswith("SELECT import_row.row, import_row.data"):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters)
            plans.append(cursor.fetchone()[0][0]["Plan"])
    event.listen(db.engine, "before_cursor_execute", explain)
    assert import_runner.run_batch(db, job_id, token, BATCH)
    event.remove(db.engine, "before_cursor_execute", explain)

    (plan,) = plans
    scan = plan["Plans"][0]
    assert scan["Index Name"] == "ix_import_row_job_status_row"
    assert '"row" >' in scan["Index Cond"], scan["Index Cond"]
    assert scan["Actual Rows"] == BATCH
    # the 4,000 settled rows' entries left behind: 132 buffers read unbounded, 18 bounded
    # (the pending rows' heap pages and the descent)
    assert scan["Shared Hit Blocks"] + scan["Shared Read Blocks"] <= 40, scan

    while import_runner.run_batch(db, job_id, token, BATCH):
        pass
    report = call(db, imports.get_import, ADMIN, job["id"], write=False)
    assert (report["status"], report["processed_rows"], report["created"]) == ("done", ROWS, ROWS)
    with db.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM customer")) == ROWS
        assert connection.scalar(text("SELECT count(*) FROM import_row WHERE status <> "
                                      "'created'")) == 0
