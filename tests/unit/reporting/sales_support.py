"""A fake sales event log: emits what services/sales emits for deals (whole records on create,
update, won and lost; a stage change before each close), and readers of the deal rollups."""
from datetime import timedelta
from decimal import Decimal

from nameko.exceptions import MethodNotFound
from sqlalchemy import select

from services.reporting.domains.sales.models import DealOutcomes, DealStages
from tests.unit.reporting.support import T0, Log

PROBABILITY = {"initial_contact": 10, "needs_analysis": 25, "proposal": 50, "negotiation": 75,
               "won": 100, "lost": 0}
KIND = {"won": "won", "lost": "lost"}


class Sales(Log):
    def __init__(self):
        super().__init__("sales")
        self.deals = {}
        self.history = {}           # deal id → [(from, to, changed_at iso)] like deal_stage_change
        self.cash = None            # a cash_support.Cash writing into this log, if any
        self.probability = dict(PROBABILITY)        # the pipeline as configured now

    def create(self, deal_id, owner_id="u1", amount="100.00", currency="EUR", created_at=T0,
               customer_id="c1", lines=()):
        """`lines`: (product_id, product_name, total) each; the amount is theirs if given."""
        lines = [line_of(position, *line) for position, line in enumerate(lines, 1)]
        if lines:
            amount = str(sum(Decimal(line["total"]) for line in lines))
        deal = {"id": deal_id, "name": deal_id, "customer_id": customer_id, "lead_id": None,
                "owner_id": owner_id, "stage": "initial_contact",
                "probability": self.probability["initial_contact"],
                "amount": amount, "currency": currency, "expected_close_date": None,
                "lost_reason": None, "closed_at": None, "lines": lines, "created_by": "u-admin",
                "created_at": created_at.isoformat(), "updated_at": created_at.isoformat()}
        self.deals[deal_id] = deal
        self.history[deal_id] = [(None, "initial_contact", created_at.isoformat())]
        return [self.emit("deal_created", dict(deal), occurred_at=created_at)]

    def update(self, deal_id, **fields):
        deal = self.deals[deal_id]
        deal.update(fields, probability=self.probability[deal["stage"]])
        return [self.emit("deal_updated", {**deal, "changed": sorted(fields)})]

    def move(self, deal_id, stage, at=None, lost_reason=None):
        """deal_stage_changed, plus deal_won / deal_lost when the stage closes the deal."""
        deal = self.deals[deal_id]
        at = at or T0 + timedelta(days=1)
        previous = deal["stage"]
        self.history[deal_id].append((previous, stage, at.isoformat()))
        deal.update(stage=stage, probability=self.probability[stage],
                    closed_at=at.isoformat() if stage in KIND else None,
                    lost_reason=lost_reason if stage == "lost" else None)
        events = [self.emit("deal_stage_changed", {
            "deal_id": deal_id, "from_stage": previous, "to_stage": stage,
            "probability": self.probability[stage], "amount": deal["amount"],
            "currency": deal["currency"], "owner_id": deal["owner_id"], "changed_by": "u-m",
            "changed_at": at.isoformat(), "reason": lost_reason}, occurred_at=at)]
        if stage in KIND:
            events.append(self.emit(f"deal_{stage}", {**deal, "changed_by": "u-m"},
                                    occurred_at=at))
        return events

    def configure(self, stage, probability, active=True):
        """An admin changes a stage: pipeline_stage_updated with the whole stage."""
        self.probability[stage] = probability
        return [self.emit("pipeline_stage_updated", {
            "key": stage, "name": stage, "probability": probability,
            "position": list(PROBABILITY).index(stage) + 1, "kind": KIND.get(stage, "open"),
            "active": active, "changed": ["probability"], "changed_by": "u-admin",
            "changed_at": T0.isoformat()})]

    def facts(self):
        """What sales' reconcile_deal_facts answers, from this log's own state."""
        return [{"id": d["id"], "owner_id": d["owner_id"], "stage": d["stage"],
                 "status": KIND.get(d["stage"], "open"),
                 "probability": self.probability[d["stage"]],      # the stage's current one
                 "amount": d["amount"], "currency": d["currency"], "created_at": d["created_at"],
                 "closed_at": d["closed_at"]}
                for d in sorted(self.deals.values(), key=lambda d: d["id"])]


    def histories(self):
        """What sales' reconcile_deal_history answers."""
        return [{"id": deal_id, "lines": [
                    {key: line[key] for key in ("position", "product_id", "product_name", "total")}
                    for line in self.deals[deal_id]["lines"]],
                 "stages": [{"from_stage": f, "to_stage": t, "changed_at": at}
                            for f, t, at in self.history[deal_id]]}
                for deal_id in sorted(self.deals)]


def line_of(position, product_id, product_name, total):
    return {"position": position, "product_id": product_id, "product_name": product_name,
            "quantity": 1, "unit_price": total, "discount_percent": "0.00", "total": total}


def cents(amount):
    return int(Decimal(amount) * 100)


def stages(db):
    with db.read_only() as session:
        return {(r.bucket, r.owner_id, r.stage, r.status, r.currency):
                (r.count, r.amount_cents, r.weighted_cents)
                for r in session.scalars(select(DealStages)) if r.count or r.amount_cents}


def outcomes(db):
    with db.read_only() as session:
        return {(r.bucket, r.owner_id, r.status, r.currency):
                (r.count, r.amount_cents, r.cycle_seconds)
                for r in session.scalars(select(DealOutcomes)) if r.count or r.amount_cents}


class ProducersRpc:
    """The reconcile RPCs of customers and sales, each answered from its fake's own state."""

    def __init__(self, customers_rpc, sales, on_sales_call=None, without=()):
        """`without`: sales' methods this sales does not have (an older one)."""
        self.customers_rpc, self.sales, self.on_sales_call = customers_rpc, sales, on_sales_call
        self.without = without

    def cash_facts(self):
        return self.sales.cash.facts() if self.sales.cash else []

    def __call__(self, service, method, cursor=None, limit=500):
        if service == "customers":
            return self.customers_rpc(service, method, cursor, limit)
        if service in ("marketing", "service_desk", "procurement"):   # nothing published here
            return {"items": [], "sequence": 0, "next_cursor": None}
        assert service == "sales"
        if method == "reconcile_target_facts" and not (self.sales.cash and self.sales.cash.targets):
            raise MethodNotFound(method)        # as a sales without targets answers
        if method in self.without:
            raise MethodNotFound(method)
        items = {"reconcile_deal_facts": self.sales.facts,
                 "reconcile_deal_history": self.sales.histories,
                 "reconcile_cash_facts": self.cash_facts,
                 "reconcile_target_facts": lambda: self.sales.cash.target_facts(),
                 "reconcile_lead_facts": list}[method]()      # no campaign's leads here
        start = int(cursor or 0)
        page = {"items": items[start:start + limit], "sequence": len(self.sales.events),
                "next_cursor": str(start + limit) if start + limit < len(items) else None}
        if self.on_sales_call:
            self.on_sales_call()          # a write just after the page was read
        return page
