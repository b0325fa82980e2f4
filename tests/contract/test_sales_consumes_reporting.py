"""sales' tolerant copy of reporting's customer_at_risk loads what reporting's schema dumps
(reporting's first published event: services/reporting/events.py), and sales listens live to
it."""
from datetime import date


from services.reporting.events import EVENT_SCHEMAS as REPORTING_EVENTS
from services.sales.consumes import CONSUMED_FROM_REPORTING, REPORTING_EVENTS as CONSUMED
from services.sales.service import SalesService
from tests.live_handlers import live_event_types

SAMPLE = {"customer_id": "c-1", "owner_id": "u-rep", "score": 72, "threshold": 70,
          "as_of": date(2026, 3, 2),
          "factors": [{"factor": "lost_deals", "points": 5.0, "max_points": 10,
                       "detail": "1 deal(s) lost in the last 90 days"}]}


def test_customer_at_risk_is_published_and_loads():
    assert set(CONSUMED) <= set(REPORTING_EVENTS)
    wire = REPORTING_EVENTS["customer_at_risk"].dump(SAMPLE)
    assert wire["as_of"] == "2026-03-02"
    loaded = CONSUMED_FROM_REPORTING["customer_at_risk"]().load({**wire, "added_later": 1})
    assert loaded == {"customer_id": "c-1", "owner_id": "u-rep", "score": 72, "threshold": 70,
                      "factors": [{"factor": "lost_deals", "points": 5.0,
                                   "detail": "1 deal(s) lost in the last 90 days"}]}


def test_sales_listens_live_to_reporting():
    assert set(SalesService.subscriptions.mapping["reporting"]) == set(CONSUMED)
    live = live_event_types(SalesService)
    assert ("reporting", "customer_at_risk") in live
