"""A deal workload through the real sales service, and the sales KPIs it should produce,
computed independently from sales' own tables and stage history (the test's oracle)."""
from collections import Counter
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.sales.deals.models import Deal, DealStageChange, PipelineStage
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.support import ADMIN, MANAGER, PEOPLE, REP_A, REP_B, REP_C
from tests.integration.sales.support import copied


def wait_for_sales_users(databases):
    wanted = {person.user_id for person in PEOPLE}
    wait_until(lambda: wanted <= copied(databases["sales"]), message="users copied by sales")


def deal_workload(producers, tag="w"):
    """Deals for three reps: won, lost, a lost one reopened by the manager and won, one moved
    along and left open, one in USD. Returns the deal ids."""
    customers, sales = producers["customers"], producers["sales"]
    customer = rpc(customers, "create_customer", ADMIN, {"name": f"{tag} buyer"})["id"]
    product = rpc(sales, "create_product", ADMIN, {"name": f"{tag} widget", "list_price": "19.99",
                                                   "currency": "EUR"})["id"]
    dollar = rpc(sales, "create_product", ADMIN, {"name": f"{tag} gadget", "list_price": "7.35",
                                                  "currency": "USD"})["id"]

    def deal(owner, quantity, currency="EUR", item=product, discount="0.00"):
        return rpc(sales, "create_deal", ADMIN, {
            "name": f"{tag} {owner.user_id} {quantity}", "customer_id": customer,
            "currency": currency, "owner_id": owner.user_id,
            "lines": [{"product_id": item, "quantity": quantity,
                       "discount_percent": discount}]})["id"]

    def move(principal, deal_id, stage, **extra):
        rpc(sales, "move_deal", principal, deal_id, {"stage": stage, **extra})
    won, lost, reopened, open_, dollars = (deal(REP_A, 3, discount="12.50"), deal(REP_A, 1),
                                           deal(REP_B, 7), deal(REP_C, 2),
                                           deal(REP_B, 5, "USD", dollar))
    move(REP_A, won, "proposal")
    move(REP_A, won, "won")
    move(REP_A, lost, "lost", lost_reason="price")
    move(REP_B, reopened, "lost", lost_reason="timing")
    move(MANAGER, reopened, "negotiation")        # only a manager may reopen
    move(REP_B, reopened, "won")
    move(REP_C, open_, "needs_analysis")
    move(REP_B, dollars, "proposal")
    return [won, lost, reopened, open_, dollars]


def _deals(engine):
    with Session(engine) as session:        # ORM reads: money comes back as exact Decimal
        kinds = dict(session.execute(select(PipelineStage.key, PipelineStage.kind)).all())
        deals = list(session.scalars(select(Deal)))
        first = dict(session.execute(select(DealStageChange.deal_id, DealStageChange.changed_at)
                                     .where(DealStageChange.from_stage.is_(None))).all())
    return kinds, deals, first


def expected_funnel(engine, owners=None):
    """{(stage, currency): (count, amount string)} from sales' deal table."""
    kinds, deals, _first = _deals(engine)
    found = Counter(), Counter()
    for deal in deals:
        if owners is None or deal.owner_id in owners:
            found[0][(deal.stage, deal.currency)] += 1
            found[1][(deal.stage, deal.currency)] += deal.amount
    return {key: (count, str(found[1][key])) for key, count in found[0].items()}


def expected_outcomes(engine):
    """{owner: (won, lost)} and {(owner, currency): (revenue string, cycle seconds)} from
    sales' deals and their first history entry (the creation)."""
    kinds, deals, first = _deals(engine)
    rates, revenue = {}, {}
    for deal in deals:
        kind = kinds[deal.stage]
        if kind == "open":
            continue
        won, lost = rates.get(deal.owner_id, (0, 0))
        rates[deal.owner_id] = (won + (kind == "won"), lost + (kind == "lost"))
        if kind == "won":
            amount, seconds = revenue.get((deal.owner_id, deal.currency), (Decimal("0.00"), 0))
            cycle = int((deal.closed_at - first[deal.id]).total_seconds())
            revenue[(deal.owner_id, deal.currency)] = (amount + deal.amount, seconds + cycle)
    return rates, {key: (str(amount), seconds) for key, (amount, seconds) in revenue.items()}


def reported_funnel(reporting, principal=ADMIN):
    report = rpc(reporting, "sales_funnel", principal, {})
    return {(row["stage"], row["currency"]): (row["count"], row["amount"])
            for row in report["rows"]}


def reported_outcomes(reporting, principal=ADMIN):
    window = {"granularity": "total"}           # the last 30 days: the whole workload
    rates = {row["owner_id"]: (row["won"], row["lost"]) for row in
             rpc(reporting, "sales_win_rate", principal, window)["rows"]}
    revenue = {(row["owner_id"], row["currency"]): (row["revenue"], row["cycle_seconds"])
               for row in rpc(reporting, "sales_revenue", principal,
                              {**window, "group_by": ["owner_id"]})["rows"]}
    return rates, revenue


def sales_kpis_match(reporting, databases):
    engine = databases["sales"]
    return (reported_funnel(reporting) == expected_funnel(engine)
            and reported_outcomes(reporting) == expected_outcomes(engine))
