"""The `churn_contacts` projection: each interaction's customer and time, so the churn risk can
say how long ago a customer was last contacted as of any date. An interaction never changes;
a merge moves the loser's to the winner, as customers does."""
from sqlalchemy import update

from services.chassis.db import insert_ignoring_conflicts
from services.reporting.domains.analytics.risk.models import InteractionFact
from services.reporting.domains.customers import consumes
from services.reporting.plugin import Projection
from services.reporting.tolerant import load


def apply_interaction(session, envelope):
    data = load(consumes.InteractionLogged, envelope)
    if data.get("customer_id"):
        insert_ignoring_conflicts(session, InteractionFact, {
            "id": data["id"], "customer_id": data["customer_id"],
            "occurred_at": data["occurred_at"]}, ["id"])


def apply_merged(session, envelope):
    data = load(consumes.CustomerMerged, envelope)
    session.execute(update(InteractionFact).where(InteractionFact.customer_id == data["loser_id"])
                    .values(customer_id=data["winner_id"])
                    .execution_options(synchronize_session=False))


CONTACTS = Projection("churn_contacts", {"customers": {"interaction_logged": apply_interaction,
                                                       "customer_merged": apply_merged}},
                      (InteractionFact,))
