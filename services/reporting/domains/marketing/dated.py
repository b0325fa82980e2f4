"""The campaign KPIs per period, each fact counted on its event's own time (not when reporting
applied it): a mail sent or refused on its sent_at / at, a late bounce (the mail had been taken,
so delivered drops) on the bounce's time, a first open / click / unsubscribe on its time, a
response on received_at, a lead on the lead's created_at and its conversion on converted_at,
a won deal's credit on won_at, and a cost entry on the day it was incurred.

Every fact lands in exactly one period, so the periods of a campaign sum to figures.campaigns'
totals (reconcile checks both against marketing's own results). Facts applied before they were
dated (before the migration that added the times; a rebuild dates them) land in the undated
period None, and are left out when `from` / `to` bound the report."""
from sqlalchemy import and_, select

from services.reporting.domains.marketing import figures
from services.reporting.domains.marketing.models import (CampaignCostFact, CampaignCreditFact,
                                                         CampaignEngagementFact,
                                                         CampaignLeadFact, CampaignRecipientFact,
                                                         CampaignResponseFact)


class Span:
    """How moments map to period labels: `label(moment)` / `label_of_day(date)` (a
    services.reporting.periods.Period, or anything alike), and optional bounds — `first` /
    `last` UTC instants [first, last) and the local days `start` .. `end` they cover."""

    def __init__(self, period=None, first=None, last=None, start=None, end=None):
        self.period, self.first, self.last, self.start, self.end = period, first, last, start, end

    def label(self, moment):
        if moment is None or self.period is None:
            return None if moment is None else "total"
        return self.period.label(int(moment.timestamp())).isoformat()

    def label_of_day(self, day):
        return "total" if self.period is None else self.period.label_of_day(day).isoformat()

    def moments(self, column):
        """Conditions keeping `column`'s facts inside the bounds (none: every fact)."""
        bounded = self.first is not None or self.last is not None
        return ([column.is_not(None)] if bounded else []) + (
            [column >= self.first] if self.first is not None else []) + (
            [column < self.last] if self.last is not None else [])

    def days(self, column):
        return ([column >= self.start] if self.start is not None else []) + (
            [column <= self.end] if self.end is not None else [])


def campaigns(session, span, campaign_ids=None, channels=None):
    """{(campaign_id, period label): figures} — labels as `span` gives them (None: undated)."""
    records = figures.records(session, campaign_ids, channels)
    found = {}
    if not records:
        return found
    ids = list(records)

    def row(cid, label):
        figures_row = found.get((cid, label))
        if figures_row is None:
            figures_row = found[(cid, label)] = {**figures.empty(records[cid]), "cost_cents": 0,
                                                 "period": label}
        return figures_row

    recipient = CampaignRecipientFact
    for cid, outcome, at in session.execute(
            select(recipient.campaign_id, recipient.outcome, recipient.at)
            .where(recipient.campaign_id.in_(ids), recipient.outcome.in_(("sent", "bounced")),
                   *span.moments(recipient.at))):
        into = row(cid, span.label(at))
        if outcome == "sent":
            into["sent"] += 1
            into["delivered"] += 1
        else:
            into["bounced"] += 1
    engagement = CampaignEngagementFact
    for cid, at in session.execute(
            select(engagement.campaign_id, engagement.at)
            .join(recipient, and_(recipient.campaign_id == engagement.campaign_id,
                                  recipient.contact_id == engagement.contact_id))
            .where(engagement.campaign_id.in_(ids), engagement.kind == "bounced",
                   recipient.outcome == "sent", *span.moments(engagement.at))):
        into = row(cid, span.label(at))        # a late bounce: the mail had been taken
        into["bounced"] += 1
        into["delivered"] -= 1
    for cid, kind, at in session.execute(
            select(engagement.campaign_id, engagement.kind, engagement.at)
            .where(engagement.campaign_id.in_(ids), engagement.kind.in_(figures.ENGAGED),
                   *span.moments(engagement.at))):
        row(cid, span.label(at))[figures.ENGAGED[kind]] += 1
    for cid, at in session.execute(
            select(CampaignResponseFact.campaign_id, CampaignResponseFact.received_at)
            .where(CampaignResponseFact.campaign_id.in_(ids),
                   *span.moments(CampaignResponseFact.received_at))):
        row(cid, span.label(at))["responses"] += 1
    lead = CampaignLeadFact
    for name, at_column, *more in (("leads", lead.created_at),
                                   ("converted_leads", lead.converted_at,
                                    lead.deal_id.is_not(None))):
        for cid, at in session.execute(select(lead.campaign_id, at_column).where(
                lead.campaign_id.in_(ids), *more, *span.moments(at_column))):
            row(cid, span.label(at))[name] += 1
    credit = CampaignCreditFact
    for cid, model, currency, cents, at in session.execute(
            select(credit.campaign_id, credit.model, credit.currency, credit.amount_cents,
                   credit.won_at)
            .where(credit.campaign_id.in_(ids), credit.credited.is_(True),
                   *span.moments(credit.won_at))):
        part = row(cid, span.label(at))["attribution"].setdefault(
            model, {"won_deals": 0, "revenue_cents": {}})
        part["won_deals"] += 1
        part["revenue_cents"][currency] = part["revenue_cents"].get(currency, 0) + cents
    cost = CampaignCostFact
    for cid, cents, day in session.execute(
            select(cost.campaign_id, cost.amount_cents, cost.incurred_on)
            .where(cost.campaign_id.in_(ids), cost.removed.is_(False),
                   *span.days(cost.incurred_on))):
        row(cid, span.label_of_day(day))["cost_cents"] += cents
    return found


def totals(session, span=None, campaign_ids=None, channels=None):
    """{campaign_id: figures} summed over the periods inside the span's bounds (default every
    period: for reconcile, the dated facts must add up to marketing's results just as the
    totals do). Every campaign is listed, zero where nothing happened in the bounds."""
    summed = {cid: [{**figures.empty(fact), "cost_cents": 0}]
              for cid, fact in figures.records(session, campaign_ids, channels).items()}
    for (cid, _label), row in campaigns(session, span or Span(), campaign_ids,
                                        channels).items():
        summed[cid].append(row)
    return {cid: {**rows[0], **figures.combine(rows, lambda _row: cid)[cid]}
            for cid, rows in summed.items()}
