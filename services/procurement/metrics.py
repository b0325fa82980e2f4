"""Procurement's own Prometheus metrics (module-level; the chassis exports them on
PROCUREMENT_METRICS_PORT with the rest): suppliers created (as duplicates on purpose or not)
and their status changes, evaluations (under the threshold or not) and flags, purchase
requests submitted by the length of their chain, approval decisions by step role and outcome,
and refused decisions (403: someone without the right tried); quotations by the status they
move to, purchase contracts made and cancelled. Counted when made (a transaction
rolled back afterwards is counted too: the counter says how much work was done)."""
from prometheus_client import Counter

SUPPLIERS = Counter("crm_suppliers_created_total", "Suppliers created",
                    ["possible_duplicate"])
SUPPLIER_STATUS = Counter("crm_supplier_status_changes_total", "Supplier status changes",
                          ["to_status"])
EVALUATIONS = Counter("crm_supplier_evaluations_total", "Supplier evaluations recorded",
                      ["below_threshold"])
FLAGGED = Counter("crm_suppliers_flagged_total",
                  "Evaluations that left a supplier's score under the threshold")
SUBMITTED = Counter("crm_purchase_requests_submitted_total",
                    "Purchase requests submitted for approval, by the number of steps",
                    ["steps"])
DECISIONS = Counter("crm_purchase_request_decisions_total",
                    "Approval steps decided, by the step's role and the outcome",
                    ["role", "outcome"])
REFUSED = Counter("crm_purchase_request_decisions_refused_total",
                  "Approvals or rejections refused (403) by the step's role", ["role"])


def supplier_created(possible_duplicate):
    SUPPLIERS.labels("true" if possible_duplicate else "false").inc()


def supplier_status_changed(to_status):
    SUPPLIER_STATUS.labels(to_status).inc()


def supplier_evaluated(below_threshold):
    EVALUATIONS.labels("true" if below_threshold else "false").inc()


def supplier_flagged():
    FLAGGED.inc()


def request_submitted(steps):
    SUBMITTED.labels(str(steps)).inc()


def step_decided(role, outcome):
    DECISIONS.labels(role, outcome).inc()


def decision_refused(role):
    REFUSED.labels(role).inc()


ORDERS = Counter("crm_purchase_orders_placed_total", "Purchase orders placed under contracts")
ORDER_MOVES = Counter("crm_purchase_order_status_changes_total",
                      "Purchase order status changes (a person's or a receipt's), by status",
                      ["to_status"])
RECEIPTS = Counter("crm_goods_receipts_total", "Goods receipts recorded, on time or late",
                   ["on_time"])


def order_placed():
    ORDERS.inc()


def order_moved(to_status):
    ORDER_MOVES.labels(to_status).inc()


def goods_received(on_time):
    RECEIPTS.labels("true" if on_time else "false").inc()


QUOTATIONS = Counter("crm_quotation_status_changes_total",
                     "Quotations asked of suppliers and every move after (received, chosen, "
                     "declined, withdrawn)", ["to_status"])
CONTRACTS = Counter("crm_purchase_contract_changes_total",
                    "Purchase contracts made (created) and cancelled", ["change"])


def quotation_moved(to_status, count=1):
    QUOTATIONS.labels(to_status).inc(count)


def contract_changed(change):
    CONTRACTS.labels(change).inc()
