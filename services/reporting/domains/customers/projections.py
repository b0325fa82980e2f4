"""customers' two projections: `customers` (below) and `interactions` (at the end).

Customer KPIs: one fact per customer, and the composition / new-customer rollups kept in
step with it by deltas.

A fact counts once it has the record fields (from customer_created or customer_updated, both
carrying the whole record) and is not merged. Every event recomputes the fact's contribution
before and after; if it differs (a stage change, a reassignment, a merge) the old key loses one
and the new key gains one. Events may arrive in any order and more than once (live handler and
catch-up race): each field group keeps the producer sequence it was last set from, so an older
event never overwrites a newer one, and a merge is final whatever arrives after it.
"""
from services.reporting import rollups
from services.reporting.domains.customers import consumes
from services.reporting.domains.customers.models import (CustomerComposition, CustomerFact,
                                                         InteractionActivity, NewCustomers)
from services.reporting.plugin import Projection
from services.reporting.tolerant import load

DIMENSIONS = ("owner_id", "lifecycle_stage", "region", "value_class", "industry")
CREATED_KEY = ("bucket", *DIMENSIONS)
RECORD_FIELDS = ("lifecycle_stage", "region", "value_class", "industry", "size", "created_at")


def contribution(fact):
    """(dimension key, creation bucket) this fact adds to the rollups, or None."""
    if fact is None or not fact["record_sequence"] or fact["merged"]:
        return None
    return (tuple(rollups.as_key(fact[name]) for name in DIMENSIONS),
            rollups.bucket(fact["created_at"]))


FACT_DEFAULTS = {"merged": False, "record_sequence": 0, "owner_sequence": 0}


def lock_facts(session, envelopes):
    """A batch's facts locked in one go (Projection.lock_first): the customer each event changes,
    read from the raw payload (an unreadable one is left to its handler, which raises)."""
    ids = [envelope["payload"].get("loser_id" if envelope["event_type"] == "customer_merged"
                                   else "id") for envelope in envelopes]
    rollups.lock_values(session, CustomerFact, [i for i in ids if isinstance(i, str)],
                        **FACT_DEFAULTS)


def _change(session, customer_id, change):
    """Apply `change` to the customer's fact (a dict: rollups.locked_values; created empty if
    this is the first event seen for it; locked for this transaction) and move its counts."""
    fact = rollups.locked_values(session, CustomerFact, customer_id, **FACT_DEFAULTS)
    before = contribution(fact)
    change(fact)
    move(session, before, contribution(fact))


def move(session, before, after):
    if before == after:
        return
    composition = rollups.sums(session, CustomerComposition, DIMENSIONS)
    created = rollups.sums(session, NewCustomers, CREATED_KEY)
    for sign, part in ((-1, before), (1, after)):
        if part is not None:
            dimensions, bucket = part
            composition[dimensions] = composition.get(dimensions, 0) + sign
            key = (bucket, *dimensions)
            created[key] = created.get(key, 0) + sign


def apply_record(session, envelope):
    data = load(consumes.CustomerRecord, envelope)
    sequence = envelope["sequence"]

    def change(fact):
        if sequence > fact["record_sequence"]:
            for name in RECORD_FIELDS:
                fact[name] = data.get(name)
            fact["record_sequence"] = sequence
        if sequence > fact["owner_sequence"]:
            fact["owner_id"], fact["owner_sequence"] = data.get("owner_id"), sequence
    _change(session, data["id"], change)


def apply_assigned(session, envelope):
    data = load(consumes.CustomerAssigned, envelope)
    sequence = envelope["sequence"]

    def change(fact):
        if sequence > fact["owner_sequence"]:
            fact["owner_id"], fact["owner_sequence"] = data.get("owner_id"), sequence
    _change(session, data["id"], change)


def apply_merged(session, envelope):
    """The loser leaves the KPIs for good; the winner's own customer_updated says what it got."""
    data = load(consumes.CustomerMerged, envelope)

    def change(fact):
        fact["merged"] = True
    _change(session, data["loser_id"], change)


CUSTOMERS = Projection("customers", {"customers": {
    "customer_created": apply_record,
    "customer_updated": apply_record,
    "customer_assigned": apply_assigned,
    "customer_merged": apply_merged,
}}, (CustomerFact, CustomerComposition, NewCustomers), lock_first=lock_facts)


# Interactions per rep, kind and period. An interaction is logged once and never changes its
# rep, kind or time (a merge moves it to another customer, which this rollup does not key on),
# so the inbox's exactly-once is all it needs: one event, one increment.
INTERACTION_KEY = ("bucket", "user_id", "owner_id", "kind")


def apply_interaction(session, envelope):
    data = load(consumes.InteractionLogged, envelope)
    key = (rollups.bucket(data["occurred_at"]), data["user_id"],
           rollups.as_key(data.get("owner_id")), data["kind"])
    rollups.add(session, InteractionActivity, INTERACTION_KEY, {key: 1})


INTERACTIONS = Projection("interactions", {"customers": {"interaction_logged": apply_interaction}},
                          (InteractionActivity,))
