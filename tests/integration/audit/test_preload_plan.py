"""A live batch's preload reads each record by its key on PostgreSQL whatever the statistics say.
`record_type = ... AND record_id IN (...)` on a table never analyzed (a server without
autovacuum, or before its first round) was a bitmap scan of every record of the type, filtering
the ids: at 850,000 records 2.3 s a preload (bench/FINDINGS.md, eighth session)."""
import pytest
from sqlalchemy import event, text

from services.audit import trail
from services.chassis.db import make_engine
from tests.unit.audit.support import audit_db


@pytest.mark.postgres
def test_the_preload_seeks_each_id_on_a_table_without_statistics(postgres_database):
    engine = make_engine(postgres_database)
    try:
        db = audit_db(engine)
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE audit_records SET (autovacuum_enabled = false)"))
            connection.execute(text(
                "INSERT INTO audit_records (record_type, record_id, state, scope, owner_id,"
                " source, sequence, updated_at) SELECT 'customer', 'c-' || g, '{}', 'owner',"
                " 'u-rep1', 'customers', g, timestamptz '2026-01-01 00:00+00'"
                " FROM generate_series(1, 20000) g"))
        wanted = [f"c-{n}" for n in range(1, 20001, 80)] + [f"new-{n}" for n in range(250)]
        envelopes = [{"event_id": f"e-{n}", "event_type": "customer_assigned", "source": "customers",
                      "sequence": n, "payload": {"id": record_id, "owner_id": "u-rep2",
                                                 "previous_owner_id": None, "region": "north",
                                                 "reason": "manual", "assigned_by": "u-mgr"}}
                     for n, record_id in enumerate(wanted, 1)]
        statements = []

        def capture(_conn, _cursor, statement, parameters, _context, _many):
            if "audit_records" in statement and statement.lstrip().startswith("SELECT"):
                statements.append((statement, parameters))
        event.listen(engine, "before_cursor_execute", capture)
        with db.unit_of_work() as uow:
            trail.preload(uow, envelopes)
            known = dict(trail._pending(uow).known)
        event.remove(engine, "before_cursor_execute", capture)
        assert {key[1] for key, record in known.items() if record is not None} == \
            {record_id for record_id in wanted if record_id.startswith("c-")}
        assert {key[1] for key, record in known.items() if record is None} == \
            {record_id for record_id in wanted if record_id.startswith("new-")}
        assert len(statements) == 1
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("EXPLAIN " + statements[0][0], statements[0][1])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            connection.close()
        assert "Index Scan using audit_records_pkey" in plan, plan
        assert "Bitmap Heap Scan" not in plan and "Seq Scan on audit_records" not in plan, plan
    finally:
        engine.dispose()
