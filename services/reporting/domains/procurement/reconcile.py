"""The procurement reports against procurement's own rows: its reconcile_*_kpis pages
(services/procurement/kpis/) recomputed here with figures.py, on procurement's terms, and
compared exactly with what our facts give — per supplier (name, status, score, flagged, the
evaluations — period end or order — and which is current, receipts, on time, on-time rate,
spend per currency), per receipt and receipt line, spend per supplier × category × currency ×
month, on-time delivery per supplier × month, per order (status, commitment) and the
commitments per supplier × currency, per decided request (outcome, cycle seconds) and the cycle
figures per outcome × month (UTC). Every figure the reports show is one of these or made of them."""
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from services.reporting.domains.procurement import figures, queries
from services.reporting.domains.procurement.projections import UNCATEGORISED
from services.reporting.plugin import Reconciliation

SUPPLIERS, REQUESTS, ORDERS, RECEIPTS = ("reconcile_supplier_kpis", "reconcile_request_kpis",
                                         "reconcile_order_kpis", "reconcile_receipt_kpis")
PER_SUPPLIER = ("name", "status", "score", "flagged", "evaluations", "receipts", "on_time",
                "on_time_rate")
PER_EVALUATION = ("supplier_id", "weighted_score", "threshold", "period_end", "order_id", "current")
PER_RECEIPT = ("order_id", "supplier_id", "currency", "received_on", "on_time", "accepted_value")
CYCLE = ("count", "mean_hours", "median_hours")
KEYS = {**{f"procurement.suppliers.{name}": ("supplier_id",) for name in PER_SUPPLIER},
        "procurement.suppliers.spend": ("supplier_id", "currency"),
        **{f"procurement.evaluations.{name}": ("evaluation_id",) for name in PER_EVALUATION},
        **{f"procurement.receipts.{name}": ("receipt_id",) for name in PER_RECEIPT},
        "procurement.receipt_lines.accepted_value": ("receipt_id", "order_line_id"),
        "procurement.spend": ("supplier_id", "category", "currency", "month"),
        "procurement.on_time.receipts": ("supplier_id", "month"),
        "procurement.on_time.on_time": ("supplier_id", "month"),
        "procurement.orders.status": ("order_id",),
        "procurement.orders.committed": ("order_id",),
        "procurement.commitments": ("supplier_id", "currency"),
        "procurement.requests.outcome": ("request_id",),
        "procurement.requests.cycle_seconds": ("request_id",),
        **{f"procurement.approvals.{name}": ("outcome", "month") for name in CYCLE}}


def _month(day):
    return day.replace(day=1).isoformat()


def _instant(value):
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _day(value):
    return value if isinstance(value, date) else date.fromisoformat(value)


def _kpis(suppliers, receipts, orders, requests):
    """{kpi: Counter} from plain rows shaped like procurement's pages (values normalised)."""
    found = {kpi: Counter() for kpi in KEYS}
    by_supplier = figures.grouped(receipts, lambda r: r["supplier_id"])
    for supplier in suppliers:
        key, mine = (supplier["supplier_id"],), by_supplier.get(supplier["supplier_id"], [])
        punctual = figures.punctuality(mine)
        values = {**supplier, "evaluations": len(supplier["evaluations"]), **punctual}
        for name in PER_SUPPLIER:
            found[f"procurement.suppliers.{name}"][key] = values[name]
        for evaluation in supplier["evaluations"]:
            for name in PER_EVALUATION:
                found[f"procurement.evaluations.{name}"][(evaluation["evaluation_id"],)] = \
                    evaluation[name] if name != "supplier_id" else supplier["supplier_id"]
    for receipt in receipts:
        key, month = (receipt["receipt_id"],), _month(receipt["received_on"])
        for name in PER_RECEIPT:
            found[f"procurement.receipts.{name}"][key] = receipt[name]
        found["procurement.suppliers.spend"][(receipt["supplier_id"], receipt["currency"])] += \
            Decimal(receipt["accepted_value"])
        found["procurement.on_time.receipts"][(receipt["supplier_id"], month)] += 1
        found["procurement.on_time.on_time"][(receipt["supplier_id"], month)] += \
            int(receipt["on_time"])
        for line in receipt["lines"]:
            found["procurement.receipt_lines.accepted_value"][
                (receipt["receipt_id"], line["order_line_id"])] = line["accepted_value"]
            found["procurement.spend"][(receipt["supplier_id"], line["category"],
                                        receipt["currency"], month)] += \
                Decimal(line["accepted_value"])
    for order in orders:
        committed = figures.commitment(order["status"], order["total"], order["accepted_value"])
        found["procurement.orders.status"][(order["order_id"],)] = order["status"]
        found["procurement.orders.committed"][(order["order_id"],)] = figures.money(committed)
        if order["status"] in figures.OPEN_STATUSES:
            found["procurement.commitments"][(order["supplier_id"], order["currency"])] += \
                committed
    for request in requests:
        seconds = figures.cycle_seconds(request["submitted_at"], request["decided_at"])
        found["procurement.requests.outcome"][(request["request_id"],)] = request["outcome"]
        found["procurement.requests.cycle_seconds"][(request["request_id"],)] = str(seconds)
    for (outcome, month), members in figures.grouped(
            requests, lambda r: (r["outcome"], _month(r["decided_at"].date()))).items():
        summary = figures.cycle(figures.cycle_seconds(r["submitted_at"], r["decided_at"])
                                for r in members)
        for name in CYCLE:
            found[f"procurement.approvals.{name}"][(outcome, month)] = summary[name]
    for kpi in ("procurement.suppliers.spend", "procurement.spend", "procurement.commitments"):
        found[kpi] = Counter({key: figures.money(value) for key, value in found[kpi].items()})
    return found


def _money(value):
    return None if value is None else figures.money(value)


def _normal_receipt(receipt):
    return {**receipt, "received_on": _day(receipt["received_on"]),
            "accepted_value": figures.money(receipt["accepted_value"]),
            "lines": [{**line, "category": line["category"] or UNCATEGORISED,
                       "accepted_value": figures.money(line["accepted_value"])}
                      for line in receipt["lines"]]}


def _normal_supplier(supplier):
    return {**supplier, "score": _money(supplier["score"]),
            "evaluations": [{**e, "weighted_score": figures.money(e["weighted_score"]),
                             "threshold": figures.money(e["threshold"]),
                             "period_end": None if e["period_end"] is None
                             else _day(e["period_end"]).isoformat()}
                            for e in supplier["evaluations"]]}


def _normal_request(request):
    return {**request, "submitted_at": _instant(request["submitted_at"]),
            "decided_at": _instant(request["decided_at"])}


def expected(_session, data):
    return _kpis([_normal_supplier(s) for s in data[SUPPLIERS]],
                 [_normal_receipt(r) for r in data[RECEIPTS]], data[ORDERS],
                 [_normal_request(r) for r in data[REQUESTS]])


def actual(session):
    lines = figures.grouped(queries.receipt_lines(session), lambda line: line["receipt_id"])
    receipts = [{**r, "lines": lines.get(r["receipt_id"], [])}
                for r in queries.receipts(session)]
    history = figures.grouped(queries.evaluations(session), lambda e: e["supplier_id"])
    suppliers = [{**s, "evaluations": [
        {**e, "current": e["evaluation_id"] == s["evaluation_id"]}
        for e in history.get(s["supplier_id"], [])]}
        for s in queries.suppliers(session).values()]
    return _kpis([_normal_supplier(s) for s in suppliers],
                 [_normal_receipt(r) for r in receipts], queries.orders(session),
                 [_normal_request(r) for r in queries.approvals(session)])


def checked(data, _want):
    return {"suppliers": len(data[SUPPLIERS]),
            "supplier_evaluations": sum(len(s["evaluations"]) for s in data[SUPPLIERS]),
            "requests_decided": len(data[REQUESTS]), "orders": len(data[ORDERS]),
            "receipts": len(data[RECEIPTS])}


RECONCILIATION = Reconciliation("procurement", (SUPPLIERS, REQUESTS, ORDERS, RECEIPTS), KEYS,
                                expected, actual, checked)
