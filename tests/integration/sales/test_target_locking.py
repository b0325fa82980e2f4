"""Parts set at the same time never exceed their parent (PostgreSQL, real processes): a rep
target being set waits for the lock on its region target, so it sees a sibling committed
meanwhile and is refused. Without the lock it would sum the parts before the sibling existed
and be accepted. (SQLite has one writer at a time: nothing to race there.)"""
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from services.chassis.db import make_engine
from services.sales.events import EVENT_SCHEMAS
from services.sales.models import Base
from tests.helpers import wait_until
from tests.unit.chassis.fakes import make_db
from tests.unit.sales.support import ADMIN, REP_A, REP_B, user_event
from tests.unit.sales.target_support import MONTH, target

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[3]


def test_a_part_waits_for_its_parent_and_sees_the_sibling_set_meanwhile(migrated_database):
    url = migrated_database("sales", "postgresql")
    engine = make_engine(url)
    db = make_db(engine, Base.metadata, source="sales", event_schemas=EVENT_SCHEMAS)
    for person in (ADMIN, REP_A, REP_B):
        user_event(db, person)
    region = target(db, scope="region", scope_value="EU", amount="1000.00", currency="EUR")
    start = MONTH.isoformat()
    with engine.connect() as holder:
        holder.execute(text("SELECT id FROM sales_target WHERE id = :id FOR UPDATE"),
                       {"id": region["id"]})
        setter = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.sales.target_setter", url,
             REP_A.user_id, start, "600.00"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            def waiting_on_a_lock():
                assert setter.poll() is None, setter.communicate()   # it did not wait: failed
                with engine.connect() as watcher:     # a new snapshot of the activity each time
                    return watcher.execute(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND wait_event_type = 'Lock'")).scalar()
            wait_until(waiting_on_a_lock, timeout=20, message="the setter waits for the lock")
            holder.execute(text(
                "INSERT INTO sales_target (id, period_kind, period_start, period_end, scope, "
                "scope_value, measure, amount_cents, currency, set_by, created_at, updated_at) "
                "VALUES ('sibling', 'month', :start, :start, 'rep', :rep, 'won_revenue', 60000, "
                "'EUR', 'u-admin', now(), now())"), {"start": start, "rep": REP_B.user_id})
            holder.commit()
            output, _ = setter.communicate(timeout=60)
        finally:
            if setter.poll() is None:
                setter.kill()
    assert output.strip() == "refused"
    engine.dispose()
