"""reporting against real RabbitMQ and the real customers service: live consumption, a late
start, scopes, freshness, metrics."""
import pytest
from nameko.testing.services import entrypoint_waiter
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from services.reporting.models import ProjectionInbox
from services.reporting.domains.customers.models import CustomerFact
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.support import (ADMIN, MANAGER, REP_A, REP_C, kpis_match,
                                                 publish_people, reported_composition, workload)


def count(engine, model):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar()


@pytest.mark.dialect_sensitive("upserted rollups under live delivery")
def test_live_events_make_every_kpi_right(producers, databases, start_reporting):
    reporting = start_reporting()
    publish_people(producers, databases)
    workload(producers["customers"])
    wait_until(lambda: kpis_match(reporting, databases), timeout=20, message="KPIs right")
    # Nothing was applied twice, and each event once: the catch-up re-reads them as duplicates.
    applied = count(databases["reporting"], ProjectionInbox)
    rpc(reporting, "catch_up_events", ADMIN)
    assert count(databases["reporting"], ProjectionInbox) == applied
    assert kpis_match(reporting, databases)


@pytest.mark.dialect_sensitive("catch-up pages: batched ON CONFLICT … RETURNING")
def test_reporting_started_after_the_producers_catches_up_by_itself(
        producers, databases, start_reporting):
    publish_people(producers, databases)
    workload(producers["customers"])              # nobody listens: the broker drops these
    reporting = start_reporting()
    assert count(databases["reporting"], CustomerFact) == 0
    rpc(reporting, "catch_up_events", ADMIN)       # the timer's tick
    assert kpis_match(reporting, databases)
    freshness = rpc(reporting, "get_freshness", ADMIN)
    assert set(freshness["sources"]) == {"identity", "customers"}
    assert freshness["lag_seconds"] >= 0 and freshness["rebuilding"] == []


def test_reports_are_scoped_by_the_callers_principal(producers, databases, start_reporting):
    reporting = start_reporting()
    publish_people(producers, databases)
    workload(producers["customers"])
    wait_until(lambda: kpis_match(reporting, databases), timeout=20, message="KPIs right")
    everyone = reported_composition(reporting)
    owners = {key[0] for key in reported_composition(reporting, MANAGER)}
    assert owners == {"u-rep-a", "u-rep-b"} < {key[0] for key in everyone}
    assert {key[0] for key in reported_composition(reporting, REP_C)} == {"u-rep-c"}
    report = rpc(reporting, "interaction_activity", REP_A, {"granularity": "total"})
    assert {row["user_id"] for row in report["rows"]} == {"u-rep-a"}
    assert "freshness" in report and report["freshness"]["applied_at"]


def test_business_gauges_and_consumer_counters(producers, databases, start_reporting):
    reporting = start_reporting()
    publish_people(producers, databases)
    before = REGISTRY.get_sample_value("crm_events_consumed_total", {
        "service": "reporting", "source": "customers", "event_type": "customer_created",
        "outcome": "processed"}) or 0
    with entrypoint_waiter(reporting, "on_customers_events"):
        rpc(producers["customers"], "create_customer", ADMIN,
            {"name": "Gauge Ltd", "lifecycle_stage": "prospect", "value_class": "A"})
    rpc(reporting, "refresh_gauges", ADMIN)
    assert REGISTRY.get_sample_value("crm_customers_by_lifecycle_stage",
                                     {"lifecycle_stage": "prospect"}) == 1
    assert REGISTRY.get_sample_value("crm_customers_by_value_class", {"value_class": "A"}) == 1
    assert REGISTRY.get_sample_value("crm_events_consumed_total", {
        "service": "reporting", "source": "customers", "event_type": "customer_created",
        "outcome": "processed"}) == before + 1
    assert REGISTRY.get_sample_value("crm_consumer_lag_seconds",
                                     {"service": "reporting", "source": "customers"}) >= 0
