"""Run as a separate process by test_target_locking.py: set one rep target on the database at
argv[1] as admin and print "set <amount>" or "refused" (a process of its own, so its wait on a
row lock is a real one, not a green thread blocking the test's)."""
import sys

from services.chassis.db import make_engine
from services.chassis.errors import Conflict
from services.sales.events import EVENT_SCHEMAS
from services.sales.models import Base
from services.sales.targets.handlers import targets
from tests.unit.chassis.fakes import make_db
from tests.unit.sales.support import ADMIN


def main(url, rep_id, period_start, amount):
    db = make_db(make_engine(url), Base.metadata, source="sales", event_schemas=EVENT_SCHEMAS)
    try:
        with db.unit_of_work(actor=ADMIN.user_id) as uow:
            made = targets.set_target(uow, ADMIN, {
                "period_kind": "month", "period_start": period_start, "scope": "rep",
                "scope_value": rep_id, "measure": "won_revenue", "amount": amount,
                "currency": "EUR"})
        print("set", made["amount"], flush=True)
    except Conflict:
        print("refused", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
