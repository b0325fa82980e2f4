"""Targets over real RabbitMQ: target_set / target_removed as the contract agrees them
(docs/contracts.md) published on sales' exchange by the test (a change and a
removal in a chosen order), and targets set through the real sales service — attained from
its won deals exactly as sales computes it, reconciled with zero differences."""
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from nameko.standalone.events import event_dispatcher

from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.sales_support import _deals, deal_workload
from tests.integration.reporting.support import ADMIN, REP_A, REP_C
from tests.integration.reporting.test_reconcile import reconcile

pytestmark = pytest.mark.dialect_sensitive("upserted rollups; month windows; reconcile")

SEQUENCE_BASE = 1_000_000       # far above what sales' own log reaches in a test


def quarter(engine):
    """The quarter (UTC days) the workload's first won deal closed in, from sales' own rows —
    not today's: a run across a quarter's last midnight must not move the window."""
    kinds, deals, _first = _deals(engine)
    day = min(deal.closed_at for deal in deals if kinds[deal.stage] == "won").astimezone(
        timezone.utc).date()
    start = day.replace(month=day.month - (day.month - 1) % 3, day=1)
    end_month = start.month + 2
    following = (start.replace(year=start.year + 1, month=1) if end_month == 12
                 else start.replace(month=end_month + 1))
    return start, following - timedelta(days=1)


def publisher(rabbit_config):
    dispatch, counter = event_dispatcher(rabbit_config), iter(range(SEQUENCE_BASE, 2 * SEQUENCE_BASE))

    def publish(event_type, payload):
        dispatch("sales", event_type, {
            "event_id": str(uuid.uuid4()), "event_type": event_type, "version": 1,
            "occurred_at": datetime.now(timezone.utc).isoformat(), "source": "sales",
            "sequence": next(counter), "actor": "u-admin", "payload": payload})
    return publish


def won_eur(engine, start, end, owner=None):
    """EUR won in [start, end] (UTC days), by `owner` if given, from sales' own deals."""
    kinds, deals, _first = _deals(engine)
    return sum((deal.amount for deal in deals if kinds[deal.stage] == "won"
                and deal.currency == "EUR" and owner in (None, deal.owner_id)
                and start <= deal.closed_at.astimezone(timezone.utc).date() <= end),
               Decimal("0.00"))


def target(target_id, amount, period, scope="company", scope_value=None):
    start, end = period
    return {"id": target_id, "period_kind": "quarter", "period_start": start.isoformat(),
            "period_end": end.isoformat(), "scope": scope, "scope_value": scope_value,
            "measure": "won_revenue", "amount": amount, "currency": "EUR", "parent_id": None,
            "set_by": "u-admin", "set_at": datetime.now(timezone.utc).isoformat()}


def test_target_attainment_from_the_real_deals(producers, databases, reporting, rabbit_config):
    deal_workload(producers)
    period = start, end = quarter(databases["sales"])
    won_all = won_eur(databases["sales"], start, end)
    won_a = won_eur(databases["sales"], start, end, REP_A.user_id)
    publish = publisher(rabbit_config)
    publish("target_set", target("company", "1000.00", period))
    publish("target_set", target("rep-a", "50.00", period, "rep", REP_A.user_id))
    publish("target_set", target("gone", "1.00", period))
    publish("target_set", target("company", "2000.00", period))          # changed
    publish("target_removed", {"id": "gone", "removed_by": "u-admin",
                               "removed_at": datetime.now(timezone.utc).isoformat()})
    query = {"period_kind": "quarter", "period_start": start.isoformat()}

    def rows(principal=ADMIN):
        return {row["id"]: (row["amount"], row["attained"])
                for row in rpc(reporting, "sales_targets", principal, query)["rows"]}
    wanted = {"company": ("2000.00", str(won_all)), "rep-a": ("50.00", str(won_a))}
    wait_until(lambda: rows() == wanted, timeout=20, message="targets attained")
    assert rows(REP_A) == {"rep-a": wanted["rep-a"]}
    assert rows(REP_C) == {}


def test_targets_set_in_sales_are_attained_alike_and_reconcile(producers, databases, reporting):
    """Targets set through the real sales service: reporting's attainment equals sales' own,
    and reconcile (sales' reconcile_target_facts) finds no difference."""
    deal_workload(producers)
    sales = producers["sales"]
    start, _end = quarter(databases["sales"])
    base = {"period_kind": "quarter", "period_start": start.isoformat(), "currency": "EUR",
            "measure": "won_revenue"}
    company = rpc(sales, "set_target", ADMIN, {**base, "scope": "company", "amount": "900.00"})
    rep = rpc(sales, "set_target", ADMIN, {**base, "scope": "rep", "scope_value": REP_A.user_id,
                                            "amount": "100.00"})
    gone = rpc(sales, "set_target", ADMIN, {**base, "scope": "region", "scope_value": "EU",
                                             "amount": "500.00"})
    rpc(sales, "remove_target", ADMIN, gone["id"])
    query = {"period_kind": "quarter", "period_start": start.isoformat()}

    def reported():
        return {row["id"]: row["attained"]
                for row in rpc(reporting, "sales_targets", ADMIN, query)["rows"]}
    own = {target["id"]: rpc(sales, "get_target", ADMIN, target["id"])
           for target in (company, rep)}
    wanted = {target_id: target["attained"] for target_id, target in own.items()}
    wait_until(lambda: reported() == wanted, timeout=20, message="attainment as sales says")
    result = reconcile(reporting)
    assert result["ok"] and result["not_reconciled"] == [] and result["checked"]["targets"] == 2, \
        result
