"""Interactions per rep, kind and period. An interaction is logged once and never changes its
rep, kind or time (a merge moves it to another customer, which this rollup does not key on),
so the inbox's exactly-once is all it needs: one event, one increment."""
from services.reporting import consumes
from services.reporting.models import InteractionActivity
from services.reporting.projections import rollups

NAME = "interactions"
TABLES = (InteractionActivity,)
KEY = ("bucket", "user_id", "owner_id", "kind")


def apply_interaction(session, envelope):
    data = consumes.load(consumes.InteractionLogged(), envelope)
    key = (rollups.bucket(data["occurred_at"]), data["user_id"],
           rollups.as_key(data.get("owner_id")), data["kind"])
    rollups.add(session, InteractionActivity, KEY, {key: 1})


HANDLES = {"customers": {"interaction_logged": apply_interaction}}
