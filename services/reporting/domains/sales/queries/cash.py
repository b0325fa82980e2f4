"""Cash reports from the invoice and payment facts, per currency (never mixed), scoped on the
invoice's / payment's owner (the deal's rep) like every sales report:

- cash: invoiced (by issued_on) vs collected (by received_on) per period;
- receivables: on an as-of date, every invoice issued by then and not cancelled, its balance
  after the payments received by then; overdue when due_on < as_of and a balance is left,
  aged by days past due (1–30, 31–60, 61–90, 90+). Computed from the facts on the date asked,
  not from sales' overdue timer.
"""
from sqlalchemy import func, select

from services.chassis.validation import load
from services.reporting import periods, scoping
from services.reporting.domains.sales import schemas
from services.reporting.domains.sales.models import InvoiceFact, PaymentFact
from services.reporting.domains.sales.queries.cuts import owner_cut, owner_filters
from services.reporting.domains.sales.queries.deals import money

AGING = (("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))


def _where(session, principal, model, query):
    filters, where = scoping.filters(model, query, ("owner_id", "currency"))
    more, owner_where = owner_filters(query, model.owner_id)
    filters.update(more)
    return filters, [scoping.scope(session, principal, model.owner_id), *where, *owner_where]


def cash(session, principal, query, now=None):
    query = load(schemas.CashQuery, query or {})
    period, group_by = periods.period(query, now=now), query["group_by"]
    filters, invoice_where = _where(session, principal, InvoiceFact, query)
    _f, payment_where = _where(session, principal, PaymentFact, query)
    cut, groups = owner_cut(session, group_by), {}

    def add(day, owner, currency, index, cents):
        key = (period.label_of_day(day).isoformat(), *cut(owner), currency)
        sums = groups.setdefault(key, [0, 0, 0, 0])
        sums[index] += 1
        sums[index + 1] += cents
    for day, owner, currency, cents in session.execute(
            select(InvoiceFact.issued_on, InvoiceFact.owner_id, InvoiceFact.currency,
                   InvoiceFact.total_cents)
            .where(InvoiceFact.issued_on.between(period.start, period.end),
                   InvoiceFact.cancelled.is_(False), *invoice_where)):
        add(day, owner, currency, 0, cents)
    for day, owner, currency, cents in session.execute(
            select(PaymentFact.received_on, PaymentFact.owner_id, PaymentFact.currency,
                   PaymentFact.amount_cents)
            .where(PaymentFact.received_on.between(period.start, period.end), *payment_where)):
        add(day, owner, currency, 2, cents)
    rows, totals = [], {}
    for (label, *values, currency), sums in sorted(groups.items(), key=lambda i: str(i[0])):
        rows.append({"period": label, **dict(zip(group_by, values)), "currency": currency,
                     **_cash_measures(sums)})
        total = totals.setdefault(currency, [0, 0, 0, 0])
        totals[currency] = [a + b for a, b in zip(total, sums)]
    return {"period": period.as_dict(), "group_by": group_by, "filters": filters,
            "rows": scoping.label(session, rows, group_by),
            "totals": {"by_currency": {c: _cash_measures(t) for c, t in sorted(totals.items())}}}


def _cash_measures(sums):
    invoices, invoiced, payments, collected = sums
    return {"invoices": invoices, "invoiced": money(invoiced), "payments": payments,
            "collected": money(collected)}


def age_bucket(days_overdue):
    for name, low, high in AGING:
        if days_overdue >= low and (high is None or days_overdue <= high):
            return name
    return None                     # not overdue


def outstanding_invoices(session, principal, query, as_of):
    """(filters, [(invoice row, outstanding cents)] with a balance on `as_of`)."""
    filters, where = _where(session, principal, InvoiceFact, query)
    return filters, open_invoices(session, as_of, where)


def open_invoices(session, as_of, where=()):
    """[(invoice, open cents)]: issued by `as_of`, not cancelled, a balance left then."""
    paid = (select(PaymentFact.invoice_id, func.sum(PaymentFact.amount_cents).label("paid"))
            .where(PaymentFact.received_on <= as_of).group_by(PaymentFact.invoice_id).subquery())
    rows = session.execute(
        select(InvoiceFact, func.coalesce(paid.c.paid, 0))
        .outerjoin(paid, paid.c.invoice_id == InvoiceFact.id)
        .where(InvoiceFact.issued_on <= as_of, InvoiceFact.cancelled.is_(False), *where))
    return [(invoice, invoice.total_cents - int(paid_cents))
            for invoice, paid_cents in rows if invoice.total_cents - int(paid_cents) > 0]


def _empty_row():
    return {"invoices": 0, "outstanding": 0, "overdue_invoices": 0, "overdue": 0,
            "current": 0, "aging": {name: {"invoices": 0, "amount": 0} for name, *_r in AGING}}


def _money_row(row):
    return {**row, "outstanding": money(row["outstanding"]), "overdue": money(row["overdue"]),
            "current": money(row["current"]),
            "aging": {name: {**b, "amount": money(b["amount"])} for name, b in row["aging"].items()}}


def receivables(session, principal, query, now=None):
    query = load(schemas.ReceivablesQuery, query or {})
    as_of = query.get("as_of") or periods.today_in(query["tz"], now)
    group_by = query["group_by"]
    filters, open_invoices = outstanding_invoices(session, principal, query, as_of)
    cut, groups, listed = owner_cut(session, group_by), {}, []
    for invoice, outstanding in open_invoices:
        days = (as_of - invoice.due_on).days
        key = (*cut(invoice.owner_id), invoice.currency)
        row = groups.setdefault(key, _empty_row())
        row["invoices"] += 1
        row["outstanding"] += outstanding
        name = age_bucket(days)
        if name is None:
            row["current"] += outstanding
            continue
        row["overdue_invoices"] += 1
        row["overdue"] += outstanding
        row["aging"][name]["invoices"] += 1
        row["aging"][name]["amount"] += outstanding
        listed.append({"id": invoice.id, "number": invoice.number, "deal_id": invoice.deal_id,
                       "customer_id": invoice.customer_id, "owner_id": invoice.owner_id,
                       "currency": invoice.currency, "due_on": invoice.due_on.isoformat(),
                       "days_overdue": days, "aging": name, "outstanding": money(outstanding)})
    rows, totals = [], {}
    for (*values, currency), row in sorted(groups.items(), key=lambda i: str(i[0])):
        rows.append({**dict(zip(group_by, values)), "currency": currency, **_money_row(row)})
        total = totals.setdefault(currency, _empty_row())
        for name in ("invoices", "outstanding", "overdue_invoices", "overdue", "current"):
            total[name] += row[name]
        for name, bucket in row["aging"].items():
            for part in ("invoices", "amount"):
                total["aging"][name][part] += bucket[part]
    listed.sort(key=lambda item: (-item["days_overdue"], item["number"] or "", item["id"]))
    return {"as_of": as_of.isoformat(), "group_by": group_by, "filters": filters,
            "rows": scoping.label(session, rows, group_by),
            "totals": {"by_currency": {c: _money_row(t) for c, t in sorted(totals.items())}},
            "overdue_invoices": listed[:query["limit"]],
            "overdue_invoice_count": len(listed)}


def open_balances(session, as_of):
    """({currency: open cents}, {currency: overdue cents}) over every invoice (the gauges)."""
    outstanding, overdue = {}, {}
    for invoice, cents in open_invoices(session, as_of):
        outstanding[invoice.currency] = outstanding.get(invoice.currency, 0) + cents
        if invoice.due_on < as_of:
            overdue[invoice.currency] = overdue.get(invoice.currency, 0) + cents
    return outstanding, overdue
