"""The marketing domain: a campaign's events (dumped through marketing's and sales' own event
schemas, as the outbox serves them) into the campaign KPI report — exact counts, cents, ROI —
whatever the order and repetition of delivery; and the report's own rules (roles, group_by)."""
import json
import random
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from services.chassis.errors import Invalid
from services.marketing.events import EVENT_SCHEMAS as MARKETING_EVENTS
from services.reporting.domains.marketing import queries, reconcile
from services.sales.events import EVENT_SCHEMAS as SALES_EVENTS
from tests.unit.reporting.support import Log, apply

T = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


class Admin:
    role, user_id, is_admin = "admin", "u-admin", True


def _emit(log, schemas, event_type, payload):
    return log.emit(event_type, json.loads(json.dumps(schemas[event_type].dump(payload))))


def campaign(cid="cmp-1", cost="0.00", status="draft", name="Spring", channel="email",
             currency="EUR"):
    return {"id": cid, "name": name, "channel": channel, "goal_metric": None,
            "goal_target": None, "currency": currency, "budget": Decimal("5000.00"),
            "cost_total": Decimal(cost), "starts_at": None, "ends_at": None, "segment_ids": [],
            "exclude_segment_ids": [], "owner_id": "u-m", "status": status,
            "previous_status": None, "changed_by": "u-m", "changed_at": T}


def cost(cid, amount, total, cost_id="k-1"):
    return {"id": cost_id, "campaign_id": cid, "amount": Decimal(amount), "currency": "EUR",
            "description": "ads", "incurred_on": T.date(), "cost_total": Decimal(total),
            "changed_by": "u-m", "changed_at": T}


def engagement(cid, contact, first=True):
    return {"campaign_id": cid, "contact_id": contact, "customer_id": None, "url": None,
            "detail": None, "first": first, "at": T}


def credit(deal, model, cid, amount, currency="EUR"):
    return {"deal_id": deal, "model": model, "campaign_id": cid, "customer_id": "c-1",
            "amount": Decimal(amount), "currency": currency, "won_at": T, "touched_at": T}


def lead(lead_id, cid):
    return {"id": lead_id, "status": "new", "source": "campaign", "campaign": None,
            "campaign_id": cid, "company_name": None, "industry": None, "company_size": None,
            "region": None, "owner_id": None, "score": 0, "score_factors": [],
            "disqualified_reason": None, "created_by": "system", "created_at": T,
            "updated_at": T}


def journey():
    """One campaign's life: 4 recipients (3 sent, 1 refused), a late bounce, opens and clicks
    (repeated), an unsubscribe, 2 responses → 2 leads, 1 converted, costs recorded and one
    removed, a deal credited, another credited then withdrawn, revenue in a second currency."""
    m, s = Log("marketing"), Log("sales")
    mk = lambda event_type, payload: _emit(m, MARKETING_EVENTS, event_type, payload)  # noqa: E731
    sl = lambda event_type, payload: _emit(s, SALES_EVENTS, event_type, payload)  # noqa: E731
    events = [
        mk("campaign_created", campaign()),
        mk("campaign_cost_recorded", cost("cmp-1", "1000.00", "1000.00")),
        mk("campaign_cost_recorded", cost("cmp-1", "250.00", "1250.00", "k-2")),
        mk("campaign_cost_removed", cost("cmp-1", "250.00", "1000.00", "k-2")),
        mk("campaign_status_changed", campaign(cost="1000.00", status="running")),
        *[mk("campaign_email_sent", {"campaign_id": "cmp-1", "contact_id": f"k{n}",
                                     "email": f"k{n}@example.com", "message_id": f"<m{n}>",
                                     "sent_at": T}) for n in (1, 2, 3)],
        mk("campaign_email_failed", {"campaign_id": "cmp-1", "contact_id": "k4",
                                     "email": "k4@example.com", "outcome": "bounced",
                                     "reason": "550", "at": T}),
        mk("email_bounced", engagement("cmp-1", "k3")),
        mk("email_opened", engagement("cmp-1", "k1")),
        mk("email_opened", engagement("cmp-1", "k1", first=False)),
        mk("email_opened", engagement("cmp-1", "k2")),
        mk("email_clicked", engagement("cmp-1", "k1")),
        mk("email_unsubscribed", engagement("cmp-1", "k2")),
        mk("email_opened", engagement(None, "k9")),                 # no campaign: not counted
        *[mk("campaign_response_received", {
            "id": f"r{n}", "campaign_id": "cmp-1", "campaign_name": "Spring", "channel": "email",
            "source": "form", "name": None, "email": None, "company": None, "phone": None,
            "message": None, "contact_id": None, "customer_id": None, "create_lead": True,
            "recorded_by": "public", "received_at": T}) for n in (1, 2)],
        sl("lead_created", lead("l1", "cmp-1")),
        sl("lead_created", lead("l2", "cmp-1")),
        sl("lead_created", lead("l3", None)),                       # not a campaign's
        sl("lead_converted", {"lead_id": "l1", "customer_id": "c-1", "customer_link": "created",
                              "deal_id": "d1", "owner_id": None, "converted_at": T,
                              "converted_by": "u-r"}),
        mk("campaign_deal_credited", credit("d1", "first", "cmp-1", "5000.00")),
        mk("campaign_deal_credited", credit("d1", "last", "cmp-1", "5000.00")),
        mk("campaign_deal_credited", credit("d2", "last", "cmp-1", "700.00")),
        mk("campaign_deal_uncredited", credit("d2", "last", "cmp-1", "700.00")),
        mk("campaign_deal_credited", credit("d3", "last", "cmp-1", "99.99", "USD")),
    ]
    return events


EXPECTED = {
    "campaign_id": "cmp-1", "name": "Spring", "channel": "email", "status": "running",
    "currency": "EUR", "sent": 3, "delivered": 2, "bounced": 2, "unique_opens": 2,
    "unique_clicks": 1, "unsubscribes": 1, "responses": 2, "leads": 2, "converted_leads": 1,
    "cost": "1000.00", "cost_per_lead": "500.00",
    "attribution": {
        "first": {"won_deals": 1, "revenue": [{"currency": "EUR", "amount": "5000.00"}],
                  "cac": "1000.00", "roi": "4.0000"},
        "last": {"won_deals": 2, "revenue": [{"currency": "EUR", "amount": "5000.00"},
                                             {"currency": "USD", "amount": "99.99"}],
                 "cac": "500.00", "roi": "4.0000"}},
    "funnel": [{"step": "reach", "count": 2}, {"step": "click", "count": 1},
               {"step": "response", "count": 2}, {"step": "lead", "count": 2},
               {"step": "deal", "count": 1}]}


def report(db, **query):
    with db.read_only() as session:
        return queries.campaigns(session, Admin(), query)


def test_a_campaigns_journey_gives_its_exact_kpis(db):
    apply(db, *journey())
    found = report(db)
    assert found["total"] == 1 and found["rows"] == [EXPECTED]


@pytest.mark.parametrize("seed", range(5))
def test_any_order_and_repetition_of_delivery_gives_the_same_kpis(fresh_db, seed):
    events = journey()
    shuffled = events + random.Random(seed).sample(events, 10)
    random.Random(seed).shuffle(shuffled)
    db = fresh_db()
    apply(db, *shuffled)
    assert report(db)["rows"] == [EXPECTED]


def test_per_channel_sums_campaigns_per_currency(db):
    apply(db, *journey())
    other = Log("marketing")
    other.events = []
    more = [_emit(other, MARKETING_EVENTS, "campaign_created",
                  campaign("cmp-2", cost="0.00", name="Autumn"))]
    for envelope in more:                      # after the journey's sequences
        envelope["sequence"] += 1000
    apply(db, *more)
    rows = report(db, group_by="channel")["rows"]
    assert [(row["channel"], row["currency"], row["campaigns"], row["cost"], row["sent"])
            for row in rows] == [("email", "EUR", 2, "1000.00", 3)]
    assert report(db, campaign_id="cmp-2")["rows"][0]["attribution"]["last"]["roi"] is None


def test_the_reconcile_kpis_of_the_report_equal_marketings_results_shape(db):
    """What reconcile compares: our figures against a results dict shaped as marketing's
    get_campaign_results answers (here: the report row itself, so equal by construction,
    and one changed figure is a difference)."""
    apply(db, *journey())
    with db.read_only() as session:
        have = reconcile.actual(session)
    want = reconcile.expected(None, {reconcile.METHOD: [EXPECTED]})
    # without sales' rows (test_marketing_reconciles_with_sales.py) theirs are not compared
    assert want == {kpi: n for kpi, n in have.items() if not kpi.startswith("campaign_sales.")}
    assert {kpi for kpi in have if kpi.startswith("campaign_periods.")}      # dated too
    changed = reconcile.expected(None, {reconcile.METHOD: [{**EXPECTED, "leads": 3}]})
    assert changed != have


# The journey spread over four months, each fact on its event's own time: the cost incurred in
# October, the mails at 23:30 UTC on 30 November (1 December in Berlin), opens, clicks, the late
# bounce, the responses and leads in December, the conversion and the won deals in January.
DATED = {"campaign_email_sent": ("sent_at", "2026-11-30T23:30:00+00:00"),
         "campaign_email_failed": ("at", "2026-11-30T23:30:00+00:00"),
         **{name: ("at", "2026-12-10T10:00:00+00:00") for name in (
             "email_bounced", "email_opened", "email_clicked", "email_unsubscribed")},
         "campaign_response_received": ("received_at", "2026-12-11T10:00:00+00:00"),
         "lead_created": ("created_at", "2026-12-11T10:05:00+00:00"),
         "lead_converted": ("converted_at", "2027-01-04T10:00:00+00:00"),
         "campaign_deal_credited": ("won_at", "2027-01-05T10:00:00+00:00"),
         "campaign_deal_uncredited": ("won_at", "2027-01-05T10:00:00+00:00"),
         "campaign_cost_recorded": ("incurred_on", "2026-10-15"),
         "campaign_cost_removed": ("incurred_on", "2026-10-15")}
COUNTED = ("sent", "delivered", "bounced", "unique_opens", "unique_clicks", "unsubscribes",
           "responses", "leads", "converted_leads")


def dated_journey():
    events = journey()
    for envelope in events:
        if envelope["event_type"] in DATED:
            name, value = DATED[envelope["event_type"]]
            envelope["payload"][name] = value
    return events


def summed(rows):
    """The periods' rows of one campaign added up as the totals are shown."""
    total = {name: sum(row[name] for row in rows) for name in COUNTED}
    total["cost"] = str(sum(Decimal(row["cost"]) for row in rows))
    for model in ("first", "last"):
        total[f"{model}_won_deals"] = sum(row["attribution"][model]["won_deals"] for row in rows)
        revenue = {}
        for row in rows:
            for money in row["attribution"][model]["revenue"]:
                revenue[money["currency"]] = revenue.get(money["currency"], 0) + Decimal(
                    money["amount"])
        total[f"{model}_revenue"] = {c: str(a) for c, a in revenue.items()}
    return total


def shown(row):
    return summed([row])


@pytest.mark.parametrize("seed", [None, 1, 2])
def test_per_month_each_fact_counts_on_its_own_time_and_the_months_sum_to_the_totals(
        fresh_db, seed):
    events = dated_journey()
    if seed is not None:
        events = events + random.Random(seed).sample(events, 10)
        random.Random(seed).shuffle(events)
    db = fresh_db()
    apply(db, *events)
    found = report(db, group_by="period", period="month")
    assert found["group_by"] == ["period"] and found["period"] == {
        "from": None, "to": None, "tz": "UTC", "granularity": "month"}
    months = {row["period"]: row for row in found["rows"]}
    assert list(months) == ["2026-10-01", "2026-11-01", "2026-12-01", "2027-01-01"]
    assert [(m, months[m]["cost"], months[m]["sent"], months[m]["delivered"],
             months[m]["bounced"], months[m]["unique_opens"], months[m]["responses"],
             months[m]["leads"], months[m]["converted_leads"],
             months[m]["attribution"]["last"]["won_deals"]) for m in months] == [
        ("2026-10-01", "1000.00", 0, 0, 0, 0, 0, 0, 0, 0),
        ("2026-11-01", "0.00", 3, 3, 1, 0, 0, 0, 0, 0),
        ("2026-12-01", "0.00", 0, -1, 1, 2, 2, 2, 0, 0),       # the late bounce: one less
        ("2027-01-01", "0.00", 0, 0, 0, 0, 0, 0, 1, 2)]
    assert months["2026-12-01"]["cost_per_lead"] == "0.00"
    assert months["2027-01-01"]["attribution"]["first"]["roi"] is None        # no cost then
    assert summed(found["rows"]) == shown(report(db)["rows"][0]) == shown(EXPECTED)
    with db.read_only() as session:
        have = reconcile.actual(session)
    assert {kpi: n for kpi, n in have.items() if not kpi.startswith("campaign_sales.")} == (
        reconcile.expected(None, {reconcile.METHOD: [EXPECTED]}))


def test_periods_are_the_callers_local_days_and_weeks(db):
    apply(db, *dated_journey())
    berlin = report(db, group_by="period", period="month", tz="Europe/Berlin")["rows"]
    assert [(row["period"], row["sent"]) for row in berlin if row["sent"]] == [
        ("2026-12-01", 3)]                             # 23:30 UTC is past midnight in Berlin
    days = report(db, group_by="period", period="day")["rows"]
    assert [row["period"] for row in days] == [
        "2026-10-15", "2026-11-30", "2026-12-10", "2026-12-11", "2027-01-04", "2027-01-05"]
    weeks = report(db, group_by="period", period="week")["rows"]
    assert [row["period"] for row in weeks] == [
        "2026-10-12", "2026-11-30", "2026-12-07", "2027-01-04"]      # ISO weeks from Monday
    assert summed(days) == summed(weeks) == shown(EXPECTED)


def test_from_and_to_keep_what_happened_in_those_days(db):
    apply(db, *dated_journey())
    december = report(db, **{"from": "2026-12-01", "to": "2026-12-31"})
    assert december["period"] == {"from": "2026-12-01", "to": "2026-12-31", "tz": "UTC",
                                  "granularity": "total"}
    row = december["rows"][0]
    assert (row["sent"], row["delivered"], row["bounced"], row["unique_opens"],
            row["responses"], row["leads"], row["cost"], row["cost_per_lead"]) == (
        0, -1, 1, 2, 2, 2, "0.00", "0.00")
    in_berlin = report(db, group_by="period", period="month", tz="Europe/Berlin",
                       **{"from": "2026-12-01", "to": "2026-12-01"})["rows"]
    assert [(r["period"], r["sent"], r["unique_opens"]) for r in in_berlin] == [
        ("2026-12-01", 3, 0)]
    nothing = report(db, group_by="period", **{"from": "2025-01-01", "to": "2025-12-31"})
    assert nothing["rows"] == [] and nothing["total"] == 0
    by_channel = report(db, group_by="channel", **{"from": "2026-10-01", "to": "2026-10-31"})
    assert [(r["channel"], r["cost"], r["sent"]) for r in by_channel["rows"]] == [
        ("email", "1000.00", 0)]


@pytest.mark.parametrize("query", [{"group_by": "period", "period": "quarter"},
                                   {"from": "2026-12-02", "to": "2026-12-01"},
                                   {"tz": "Mars/Olympus"}, {"from": "yesterday"}])
def test_a_bad_period_query_is_refused(db, query):
    with pytest.raises(Invalid):
        report(db, **query)


def test_a_bad_query_is_refused():
    with pytest.raises(Invalid):
        queries.campaigns(None, Admin(), {"group_by": "owner_id"})
