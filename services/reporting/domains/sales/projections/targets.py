"""Targets from sales' target_set / target_removed: the newest event (by sequence) decides,
so a change re-emitted as target_set replaces the amount, a removal hides the target, and an
older event arriving late changes nothing. Attainment is computed at query time from the deal
and payment facts (queries/targets.py) — and, for a product line, from the products' series as
sales' newest product_created / product_updated states them (configuration: a product moved to
another series moves its won lines to that series' targets, live and in a rebuild)."""
from services.reporting.domains.sales import consumes
from services.reporting.domains.sales.models import ProductFact, TargetFact
from services.reporting.plugin import Projection
from services.reporting.rollups import cents, locked_row
from services.reporting.tolerant import load

FIELDS = ("period_kind", "period_start", "period_end", "scope", "scope_value", "measure",
          "currency", "parent_id")


def _target(session, target_id):
    return locked_row(session, TargetFact, {"id": target_id}, sequence=0, amount_cents=0,
                      removed=False)


def apply_set(session, envelope):
    data = load(consumes.TargetSet, envelope)
    target = _target(session, data["id"])
    if envelope["sequence"] <= target.sequence:
        return
    for name in FIELDS:
        setattr(target, name, data.get(name))
    target.amount_cents, target.removed = cents(data["amount"]), False
    target.sequence = envelope["sequence"]


def apply_removed(session, envelope):
    data = load(consumes.TargetRemoved, envelope)
    target = _target(session, data["id"])
    if envelope["sequence"] > target.sequence:
        target.removed, target.sequence = True, envelope["sequence"]


def apply_product(session, envelope):
    data = load(consumes.ProductRecord, envelope)
    product = locked_row(session, ProductFact, {"id": data["id"]}, sequence=0)
    if envelope["sequence"] > product.sequence:
        product.name, product.series = data.get("name"), data.get("series")
        product.sequence = envelope["sequence"]


TARGETS = Projection("targets", {"sales": {
    "target_set": apply_set, "target_removed": apply_removed,
    **{event_type: apply_product for event_type in consumes.PRODUCT_EVENTS},
}}, (TargetFact, ProductFact))
