"""The service desk's and marketing's business gauges (their domains' gauges.py) over
hand-built read-model rows: what each gauge says, and that a label which emptied drops to 0
instead of keeping its last value."""
from datetime import date, datetime, timezone

import pytest
from prometheus_client import REGISTRY

from services.reporting import gauges
from services.reporting.domains.marketing.models import (CampaignCreditFact, CampaignFact,
                                                         CampaignRecipientFact)
from services.reporting.domains.service_desk.models import (SurveyFact, TicketBreachFact,
                                                            TicketFact)

TODAY = date(2025, 3, 14)


def at(day, hour=10):
    return datetime(2025, 3, day, hour, tzinfo=timezone.utc)


def gauge(name, **labels):
    return REGISTRY.get_sample_value(name, labels)


def refresh(db, seen):
    with db.read_only() as session:
        gauges.refresh_business_gauges(session, seen, TODAY)


def add(db, *rows):
    with db.unit_of_work() as uow:
        uow.session.add_all(rows)


def ticket(id_, priority, status_category, created_at=at(1)):
    return TicketFact(id=id_, priority=priority, status_category=status_category,
                      created_at=created_at)


def survey(id_, score, answered_at):
    return SurveyFact(id=id_, ticket_id="t1", score=score, answered_at=answered_at)


@pytest.fixture
def seen():
    return {}


def test_the_backlog_by_priority_counts_open_and_paused_tickets_of_a_known_creation(db, seen):
    add(db, ticket("t1", "high", "open"), ticket("t2", "high", "paused"),
        ticket("t3", "urgent", "open"), ticket("t4", "high", "resolved"),
        ticket("t5", "low", "open", created_at=None))          # only later events seen yet
    refresh(db, seen)
    assert [gauge("crm_open_tickets", priority=p) for p in ("low", "medium", "high", "urgent")] == [
        0, 0, 2, 1]
    with db.unit_of_work() as uow:
        uow.session.get(TicketFact, "t3").status_category = "resolved"
    refresh(db, seen)
    assert gauge("crm_open_tickets", priority="urgent") == 0


def test_sla_breaches_so_far_by_target(db, seen):
    add(db, TicketBreachFact(ticket_id="t1", target="resolution", due_at=at(2)),
        TicketBreachFact(ticket_id="t2", target="resolution", due_at=at(3)),
        TicketBreachFact(ticket_id="t2", target="update", due_at=at(3)),
        TicketBreachFact(ticket_id="t2", target="update", due_at=at(4)))
    refresh(db, seen)
    assert {t: gauge("crm_ticket_sla_breaches", target=t)
            for t in ("first_response", "resolution", "update")} == {
        "first_response": 0, "resolution": 2, "update": 2}


def test_csat_averages_the_surveys_answered_in_the_last_30_days(db, seen):
    refresh(db, seen)
    assert (gauge("crm_csat_surveys_answered"), gauge("crm_csat_average_score")) == (0, 0)
    add(db, survey("s1", 100, at(14, 23)),                 # today, late: counts
        survey("s2", 60, datetime(2025, 2, 13, 0, tzinfo=timezone.utc)),    # 30th day back: counts
        survey("s3", 0, datetime(2025, 2, 12, 23, 59, tzinfo=timezone.utc)),  # 31st: does not
        survey("s4", 0, datetime(2025, 3, 15, 0, tzinfo=timezone.utc)))     # tomorrow: does not
    refresh(db, seen)
    assert (gauge("crm_csat_surveys_answered"), gauge("crm_csat_average_score")) == (2, 80)


def campaign(id_, currency, cost_cents):
    return CampaignFact(id=id_, currency=currency, cost_cents=cost_cents, record_sequence=1)


def credit(deal, model, campaign_id, cents, currency, credited=True):
    return CampaignCreditFact(deal_id=deal, model=model, campaign_id=campaign_id, amount_cents=cents,
                              currency=currency, credited=credited)


def test_campaign_recipients_by_outcome(db, seen):
    add(db, *[CampaignRecipientFact(campaign_id="k1", contact_id=f"c{n}", outcome=outcome)
              for n, outcome in enumerate(["sent", "sent", "sent", "bounced", "skipped"])])
    refresh(db, seen)
    assert {o: gauge("crm_campaign_recipients", outcome=o)
            for o in ("sent", "bounced", "failed", "skipped")} == {
        "sent": 3, "bounced": 1, "failed": 0, "skipped": 1}


def test_cost_and_credited_revenue_in_the_campaigns_currency(db, seen):
    add(db, campaign("k1", "EUR", 10000), campaign("k2", "EUR", 5050), campaign("k3", "GBP", 2000),
        credit("d1", "first", "k1", 40000, "EUR"), credit("d1", "last", "k2", 40000, "EUR"),
        credit("d2", "last", "k2", 12345, "EUR"),
        credit("d3", "last", "k1", 99900, "GBP"),           # not k1's currency: not in its ROI
        credit("d4", "first", "k1", 70000, "EUR", credited=False))     # withdrawn
    refresh(db, seen)
    assert (gauge("crm_campaign_cost_amount", currency="EUR"),
            gauge("crm_campaign_cost_amount", currency="GBP")) == (150.5, 20)
    assert {(m, c): gauge("crm_campaign_attributed_revenue_amount", model=m, currency=c)
            for m in ("first", "last") for c in ("EUR", "GBP")} == {
        ("first", "EUR"): 400, ("last", "EUR"): 523.45,
        ("first", "GBP"): 0, ("last", "GBP"): 0}              # cost, nothing won: ROI -100 %
    with db.unit_of_work() as uow:
        uow.session.get(CampaignCreditFact, ("d1", "first")).credited = False
    refresh(db, seen)
    assert gauge("crm_campaign_attributed_revenue_amount", model="first", currency="EUR") == 0
