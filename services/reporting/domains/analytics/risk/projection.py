"""The `churn_contacts` projection: each interaction's customer and time, so the churn risk can
say how long ago a customer was last contacted as of any date. An interaction never changes;
a merge moves the loser's to the winner, as customers does."""
from sqlalchemy import update

from services.chassis.db import insert_ignoring_conflicts
from services.reporting import rollups
from services.reporting.domains.analytics.risk.models import InteractionFact
from services.reporting.domains.customers import consumes
from services.reporting.plugin import Projection
from services.reporting.tolerant import load

PENDING = "churn_contacts"


def apply_interaction(session, envelope):
    """Buffered for the transaction and inserted in one executemany before it commits (or
    before a merge's move below): a batch's interactions, one round trip."""
    data = load(consumes.InteractionLogged, envelope)
    if data.get("customer_id"):
        rows = rollups.pending(session, PENDING, _insert)
        rows.setdefault(data["id"], {"id": data["id"], "customer_id": data["customer_id"],
                                     "occurred_at": data["occurred_at"]})


def _insert(session, rows):
    if rows:
        insert_ignoring_conflicts(session, InteractionFact,
                                  [rows[key] for key in sorted(rows)], ["id"])


def apply_merged(session, envelope):
    data = load(consumes.CustomerMerged, envelope)
    rollups.write_pending(session, PENDING)     # the batch's interactions move with the rest
    table = InteractionFact.__table__           # Core: no autoflush of the batch's facts
    session.execute(update(table).where(table.c.customer_id == data["loser_id"])
                    .values(customer_id=data["winner_id"]))


CONTACTS = Projection("churn_contacts", {"customers": {"interaction_logged": apply_interaction,
                                                       "customer_merged": apply_merged}},
                      (InteractionFact,))
