"""The churn-risk signals (factors.Signals) of a set of customers as of an instant, read from
reporting's read models: sales' deal facts (won deals are the purchases, lost ones the losses,
by their close), this theme's interactions, the service desk's tickets, SLA breaches and
satisfaction surveys. Facts after the instant are left out, so an as-of date in the past scores
the past — except a ticket's status, which is the one now (the facts keep no status history)."""
from collections import Counter, defaultdict
from datetime import timedelta

from sqlalchemy import func, select

from services.reporting.domains.analytics.risk import factors
from services.reporting.domains.analytics.risk.models import InteractionFact
from services.reporting.domains.customers.models import CustomerFact
from services.reporting.domains.sales.models import DealFact
from services.reporting.domains.service_desk.models import (SurveyFact, TicketBreachFact,
                                                            TicketFact)

UNRESOLVED = ("open", "paused")


def signals(session, customers, cutoff):
    """{customer id: Signals} for `customers` (a select of CustomerFact ids) at `cutoff` (an
    aware datetime, excluded)."""
    recent = cutoff - timedelta(days=factors.RECENT_DAYS)
    earlier = recent - timedelta(days=factors.EARLIER_DAYS)
    found = {customer_id: factors.Signals(days_as_customer=_days(cutoff, created))
             for customer_id, created in session.execute(
                 select(CustomerFact.id, CustomerFact.created_at)
                 .where(CustomerFact.id.in_(customers)))}
    _purchases(session, found, customers, cutoff, recent, earlier)
    for customer_id, last in session.execute(
            select(InteractionFact.customer_id, func.max(InteractionFact.occurred_at))
            .where(InteractionFact.customer_id.in_(customers), InteractionFact.occurred_at < cutoff)
            .group_by(InteractionFact.customer_id)):
        found[customer_id].days_since_contact = _days(cutoff, last)
    for customer_id, count in _grouped(session, select(DealFact.customer_id, func.count()).where(
            DealFact.customer_id.in_(customers), DealFact.status == "lost",
            DealFact.closed_at >= recent, DealFact.closed_at < cutoff)):
        found[customer_id].lost_recent = count
    for customer_id, count in _grouped(session, select(TicketFact.customer_id, func.count()).where(
            TicketFact.customer_id.in_(customers), TicketFact.status_category.in_(UNRESOLVED),
            TicketFact.created_at < cutoff)):
        found[customer_id].open_tickets = count
    for customer_id, count in _grouped(session, select(
            TicketFact.customer_id, func.count(func.distinct(TicketFact.id)))
            .join(TicketBreachFact, TicketBreachFact.ticket_id == TicketFact.id).where(
            TicketFact.customer_id.in_(customers), TicketBreachFact.due_at >= recent,
            TicketBreachFact.due_at < cutoff)):
        found[customer_id].breached_tickets = count
    for customer_id, average, count in session.execute(
            select(TicketFact.customer_id, func.avg(SurveyFact.score), func.count())
            .join(TicketFact, TicketFact.id == SurveyFact.ticket_id)
            .where(TicketFact.customer_id.in_(customers),
                   SurveyFact.answered_at >= cutoff - timedelta(days=factors.SATISFACTION_DAYS),
                   SurveyFact.answered_at < cutoff).group_by(TicketFact.customer_id)):
        found[customer_id].csat_average, found[customer_id].surveys = float(average), count
    return found


def _grouped(session, statement):
    return session.execute(statement.group_by(statement.selected_columns[0]))


def _days(cutoff, moment):
    return None if moment is None else max(0, (cutoff - moment).days)


def _purchases(session, found, customers, cutoff, recent, earlier):
    """Won deals closed in the recent window and the year before it: counts in all currencies,
    values in the customer's main currency (the one most of its won deals are in)."""
    deals = defaultdict(list)
    for customer_id, closed_at, cents, currency in session.execute(
            select(DealFact.customer_id, DealFact.closed_at, DealFact.amount_cents,
                   DealFact.currency)
            .where(DealFact.customer_id.in_(customers), DealFact.status == "won",
                   DealFact.closed_at >= earlier, DealFact.closed_at < cutoff)):
        deals[customer_id].append((closed_at >= recent, cents, currency))
    for customer_id, won in deals.items():
        signals = found[customer_id]
        counts = Counter(currency for _, _, currency in won)
        signals.currency = max(sorted(counts), key=counts.get)     # a tie: the first by name
        for is_recent, cents, currency in won:
            same = currency == signals.currency
            if is_recent:
                signals.purchases_recent += 1
                signals.value_recent_cents += cents if same else 0
            else:
                signals.purchases_earlier += 1
                signals.value_earlier_cents += cents if same else 0
