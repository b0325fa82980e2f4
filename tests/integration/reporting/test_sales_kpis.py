"""Sales KPIs from the real sales service's events through real RabbitMQ: live, after a late
start, after reporting was down; scoped; reconciled against sales' own data."""
import pytest
from sqlalchemy import func, select

from services.chassis.errors import Forbidden
from services.reporting.models import ProjectionInbox
from services.reporting.domains.sales.models import DealFact
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.sales_support import (deal_workload, expected_funnel,
                                                       reported_funnel, sales_kpis_match,
                                                       wait_for_sales_users)
from tests.integration.reporting.support import (ADMIN, MANAGER, REP_A, REP_B, REP_C,
                                                 publish_people)
from tests.integration.reporting.test_reconcile import reconcile


def count(engine, model, *where):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model).where(*where)).scalar()


def sales_applied(engine):
    return count(engine, ProjectionInbox, ProjectionInbox.source == "sales")


@pytest.fixture
def people(producers, databases):
    publish_people(producers, databases)
    wait_for_sales_users(databases)


@pytest.mark.dialect_sensitive("upserted rollups under live delivery")
def test_live_sales_events_make_funnel_win_rate_and_revenue_right(producers, databases, reporting):
    deal_workload(producers)
    wait_until(lambda: sales_kpis_match(reporting, databases), timeout=20,
               message="sales KPIs right")
    # Each event type has its own queue: a superseded event may land after the KPIs are right.
    wait_until(lambda: sales_applied(databases["reporting"]) == 19, timeout=20,
               message="5 deal_created + 8 deal_stage_changed + 4 deal_won / deal_lost "
                       "+ 2 product_created applied")
    rpc(reporting, "catch_up_events", ADMIN)       # re-reads sales' log: all duplicates
    assert sales_applied(databases["reporting"]) == 19
    assert sales_kpis_match(reporting, databases)


def test_sales_reports_are_scoped_like_the_deal_lists(producers, databases, reporting):
    deal_workload(producers)
    wait_until(lambda: sales_kpis_match(reporting, databases), timeout=20,
               message="sales KPIs right")
    engine = databases["sales"]
    team = {REP_A.user_id, REP_B.user_id}
    assert reported_funnel(reporting, MANAGER) == expected_funnel(engine, team)
    assert reported_funnel(reporting, REP_C) == expected_funnel(engine, {REP_C.user_id})
    rates = rpc(reporting, "sales_win_rate", REP_B, {"granularity": "total"})
    assert [(row["owner_id"], row["won"], row["lost"]) for row in rates["rows"]] == [
        (REP_B.user_id, 1, 0)]                      # the reopened loss is a win now


@pytest.mark.dialect_sensitive("catch-up pages: batched ON CONFLICT … RETURNING")
def test_catch_up_after_reporting_was_down(producers, databases, start_reporting, people):
    deal_workload(producers, tag="early")           # before reporting ever ran
    reporting = start_reporting()
    assert count(databases["reporting"], DealFact) == 0
    rpc(reporting, "catch_up_events", ADMIN)        # the timer's tick
    assert sales_kpis_match(reporting, databases)
    reporting.kill()                                # down …
    deal_workload(producers, tag="while down")
    reporting = start_reporting()                   # … and back
    rpc(reporting, "catch_up_events", ADMIN)
    wait_until(lambda: sales_kpis_match(reporting, databases), timeout=20,
               message="sales KPIs right after the outage")
    assert count(databases["reporting"], DealFact) == 10
    assert "sales" in rpc(reporting, "get_freshness", ADMIN)["sources"]


@pytest.mark.dialect_sensitive("reconcile's expected-vs-actual queries")
def test_reconcile_reports_no_deal_difference_after_a_workload(producers, databases, reporting):
    deal_workload(producers)
    deal_workload(producers, tag="second")
    result = reconcile(reporting)
    assert result["differences"] == [] and result["ok"] and result["stable"], result
    assert result["checked"]["deals"] == 10 and result["checked"]["closed_deals"] == 6


def test_sales_deal_facts_are_for_admins_and_the_system_only(producers, people):
    with pytest.raises(Forbidden):
        rpc(producers["sales"], "reconcile_deal_facts", REP_A)
    deal_workload(producers)
    page = rpc(producers["sales"], "reconcile_deal_facts", ADMIN, None, 3)
    rest = rpc(producers["sales"], "reconcile_deal_facts", ADMIN, page["next_cursor"], 3)
    assert len(page["items"]) == 3 and len(rest["items"]) == 2 and rest["next_cursor"] is None
    assert page["sequence"] == rest["sequence"] > 0
    statuses = sorted(item["status"] for item in page["items"] + rest["items"])
    assert statuses == ["lost", "open", "open", "won", "won"]
