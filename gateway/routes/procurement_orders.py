"""Procurement (procurement): purchase orders and goods receipts — an order placed under an
active purchase contract of an active supplier (409 otherwise; its lines at the contract's
prices, by default everything not yet ordered, never more than remains: 409), sent, cancelled
(with a reason: the contract's quantities are released) or closed (short, with a reason);
goods received against a sent or partially received order (rejects counted, never more
accepted than ordered: 422), which moves it to partially received / received and is on time
when it came by the order's expected date; the supplier's on-time delivery, computed from its
receipts. Buyers write; managers read the orders of the requests they see."""
from gateway.routes.procurement import BASE, BUYERS, READERS, SUPPLIER, SUPPLIER_ID, _route
from gateway.routing import BODY, QUERY, path

ORDERS = f"{BASE}/purchase-orders"
ORDER = f"{ORDERS}/{{order_id}}"
ORDER_ID = path("order_id")
ORDERS_TAG = "procurement purchase orders"


def _order(method, url, rpc, **options):
    return _route(method, url, rpc, ORDERS_TAG, **options)


ROUTES = [
    _order("GET", ORDERS, "list_purchase_orders", args=(QUERY,), query="procurement:PurchaseOrderQuery",
           roles=READERS, response_schema="procurement:PurchaseOrder", response_page=True,
           summary="Purchase orders you may see, newest first: by supplier, status, contract"),
    _order("POST", ORDERS, "create_purchase_order", args=(BODY,), body="json", roles=BUYERS,
           status=201, location=f"{ORDERS}/{{id}}", request_schema="procurement:PurchaseOrderCreate",
           response_schema="procurement:PurchaseOrder", errors=(409,),
           summary="Place an order (PO-<year>-NNNNN) under an active contract: its lines at the "
                   "contract's unit prices (default: all not yet ordered); more than a line "
                   "has left, a contract not active or a supplier on hold or blocked: 409"),
    _order("GET", ORDER, "get_purchase_order", args=(ORDER_ID,), roles=READERS,
           response_schema="procurement:PurchaseOrder",
           summary="One purchase order with its lines and what was received of them"),
    _order("POST", f"{ORDER}/status", "change_purchase_order_status", args=(ORDER_ID, BODY),
           body="json", roles=BUYERS, request_schema="procurement:PurchaseOrderStatusChange",
           response_schema="procurement:PurchaseOrder", errors=(409,),
           summary="Send a draft; cancel a draft or sent order (reason; its quantities go back "
                   "to the contract); close a received one, or a partially received one short "
                   "(reason); an illegal move: 409 naming the allowed ones"),
    _order("POST", f"{ORDER}/receipts", "record_goods_receipt", args=(ORDER_ID, BODY),
           body="json", roles=BUYERS, status=201, request_schema="procurement:GoodsReceiptCreate",
           response_schema="procurement:GoodsReceipt", errors=(409,),
           summary="Record goods received (GR-<year>-NNNNN) against a sent or partially "
                   "received order: per line received and rejected, never more accepted than "
                   "ordered; the order becomes partially received or received. Retried with "
                   "its Idempotency-Key: once"),
    _order("GET", f"{ORDER}/receipts", "list_goods_receipts", args=(ORDER_ID, QUERY),
           query="procurement:GoodsReceiptQuery", roles=READERS,
           response_schema="procurement:GoodsReceipt", response_page=True,
           summary="The order's goods receipts, oldest first"),
    _route("GET", f"{SUPPLIER}/on-time-delivery", "get_supplier_on_time_delivery",
           "procurement evaluation", args=(SUPPLIER_ID,), roles=READERS,
           response_schema="procurement:SupplierOnTimeDelivery",
           summary="The supplier's on-time delivery over all its goods receipts (computed, "
                   "never typed): receipts, on time, the rate"),
]
