"""The sales KPI cuts and stage KPIs from the real sales service's events through real
RabbitMQ, against an oracle computed from sales' own tables (lines, stage history)."""
from collections import Counter
from decimal import Decimal
from statistics import median

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.chassis.errors import Forbidden
from services.sales.deals.models import Deal, DealLine, DealStageChange, PipelineStage
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.sales_support import deal_workload, wait_for_sales_users
from tests.integration.reporting.support import ADMIN, PEOPLE, REP_A, REP_C, publish_people
from tests.integration.reporting.test_reconcile import reconcile

REGION = {person.user_id: person.region for person in PEOPLE}


def oracle(engine):
    """({(region, currency): revenue}, {(product name, currency): revenue},
    {stage: (count, median seconds)}) from sales' own rows."""
    with Session(engine) as session:
        kinds = dict(session.execute(select(PipelineStage.key, PipelineStage.kind)).all())
        by_region, by_product, stays = Counter(), Counter(), {}
        for deal in session.scalars(select(Deal)):
            if kinds[deal.stage] == "won":
                by_region[(REGION[deal.owner_id], deal.currency)] += deal.amount
                for line in session.scalars(select(DealLine).where(DealLine.deal_id == deal.id)):
                    by_product[(line.product_name, deal.currency)] += line.total
            changes = list(session.scalars(select(DealStageChange).where(
                DealStageChange.deal_id == deal.id).order_by(DealStageChange.id)))
            for change, following in zip(changes, changes[1:]):
                stays.setdefault(change.to_stage, []).append(
                    (following.changed_at - change.changed_at).total_seconds())
    return ({key: str(value) for key, value in by_region.items()},
            {key: str(value) for key, value in by_product.items()},
            {stage: (len(seconds), round(median(seconds), 1)) for stage, seconds in stays.items()})


def reported(reporting, principal=ADMIN):
    window = {"granularity": "total"}
    regions = {(row["region"], row["currency"]): row["revenue"] for row in rpc(
        reporting, "sales_revenue", principal, {**window, "group_by": ["region"]})["rows"]}
    products = {(row["product_name"], row["currency"]): row["revenue"] for row in rpc(
        reporting, "sales_revenue", principal, {**window, "group_by": ["product_id"]})["rows"]}
    stays = {row["stage"]: (row["count"], row["median_seconds"]) for row in rpc(
        reporting, "sales_time_in_stage", principal, {})["rows"]}
    return regions, products, stays


@pytest.mark.dialect_sensitive("time-in-stage arithmetic; upserted rollups")
def test_cuts_and_time_in_stage_equal_sales_own_data(producers, databases, reporting):
    deal_workload(producers)
    wait_until(lambda: reported(reporting) == oracle(databases["sales"]), timeout=20,
               message="cuts and time in stage right")
    regions, products, _stays = reported(reporting)
    assert set(regions) == {("EU", "EUR")} and len(products) == 1
    win = rpc(reporting, "sales_win_rate", ADMIN, {"granularity": "total",
                                                    "group_by": ["team_id"]})
    assert {row["team_id"]: (row["won"], row["lost"]) for row in win["rows"]} == {"t1": (2, 1)}
    conversion = rpc(reporting, "sales_stage_conversion", REP_C, {})
    assert conversion["deals"] == 1 and [(r["from_stage"], r["to_stage"], r["next"])
                                         for r in conversion["rows"]] == [
        ("initial_contact", "needs_analysis", 1)]
    result = reconcile(reporting)
    assert result["ok"] and result["stable"] and result["checked"]["stage_entries"] == 13, result


def test_sales_deal_history_is_for_admins_and_the_system_only(producers, databases):
    publish_people(producers, databases)
    wait_for_sales_users(databases)
    with pytest.raises(Forbidden):
        rpc(producers["sales"], "reconcile_deal_history", REP_A)
    deal_workload(producers)
    page = rpc(producers["sales"], "reconcile_deal_history", ADMIN, None, 500)
    assert len(page["items"]) == 5 and page["next_cursor"] is None
    assert sum(len(item["stages"]) for item in page["items"]) == 13
    assert all(Decimal(item["lines"][0]["total"]) > 0 for item in page["items"])
