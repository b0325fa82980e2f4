"""Products, leads (with conversion), deals (with stage moves and history) and the pipeline
board (sales). Scopes are the service's: another rep's lead or deal is a 404. Timeouts are the
gateway's usual RPC deadline; conversion's own call to customers has a shorter one inside it,
so a slow customers service is a 503 from sales (retry the conversion), not a gateway timeout."""
from gateway.routing import BODY, QUERY, Route, path
from gateway.settings import API_PREFIX as API

TAG_PRODUCTS, TAG_LEADS, TAG_DEALS = "products", "leads", "deals"
PRODUCT, LEAD, DEAL = (f"{API}/products/{{product_id}}", f"{API}/leads/{{lead_id}}",
                       f"{API}/deals/{{deal_id}}")
PRODUCT_ID, LEAD_ID, DEAL_ID = path("product_id"), path("lead_id"), path("deal_id")
WRITERS = ("sales_rep", "manager")              # admin always; the service checks again
PRICE_LIST = ("manager",)


def _route(method, url, rpc, tag, **options):
    return Route(method, url, "sales", rpc, tag=tag, **options)


PRODUCTS = [
    _route("GET", f"{API}/products", "list_products", TAG_PRODUCTS, args=(QUERY,),
           query="sales:ProductQuery", response_schema="sales:Product", response_many=True,
           summary="The price list"),
    _route("POST", f"{API}/products", "create_product", TAG_PRODUCTS, args=(BODY,), body="json",
           roles=PRICE_LIST, status=201, location=f"{API}/products/{{id}}",
           request_schema="sales:ProductCreate", response_schema="sales:Product",
           summary="Add a product to the price list (manager, admin)"),
    _route("GET", PRODUCT, "get_product", TAG_PRODUCTS, args=(PRODUCT_ID,),
           response_schema="sales:Product", summary="A product"),
    _route("PATCH", PRODUCT, "update_product", TAG_PRODUCTS, args=(PRODUCT_ID, BODY), body="json",
           roles=PRICE_LIST, request_schema="sales:ProductUpdate", response_schema="sales:Product",
           summary="Change a product; partial (manager, admin)"),
]

LEADS = [
    _route("GET", f"{API}/leads", "list_leads", TAG_LEADS, args=(QUERY,),
           query="sales:LeadQuery", response_schema="sales:Lead",
           response_page=True, summary="Leads in your scope, newest first"),
    _route("POST", f"{API}/leads", "create_lead", TAG_LEADS, args=(BODY,), body="json",
           roles=WRITERS + ("marketer",), status=201, location=f"{API}/leads/{{id}}",
           request_schema="sales:LeadCreate", response_schema="sales:Lead",
           summary="Capture a lead; scored, and assigned round-robin in its region"),
    _route("GET", LEAD, "get_lead", TAG_LEADS, args=(LEAD_ID,), response_schema="sales:Lead",
           summary="A lead with its score explained per factor"),
    _route("PATCH", LEAD, "update_lead", TAG_LEADS, args=(LEAD_ID, BODY), body="json",
           roles=WRITERS + ("marketer",), request_schema="sales:LeadUpdate",
           response_schema="sales:Lead", summary="Change a lead's details; partial"),
    _route("POST", f"{LEAD}/status", "set_lead_status", TAG_LEADS, args=(LEAD_ID, BODY),
           body="json", roles=WRITERS, request_schema="sales:LeadStatus",
           response_schema="sales:Lead",
           summary="new → contacted → qualified, or disqualified with a reason"),
    _route("POST", f"{LEAD}/convert", "convert_lead", TAG_LEADS, args=(LEAD_ID, BODY),
           body="json", roles=WRITERS, request_schema="sales:Conversion",
           response_schema="sales:ConversionResult",
           summary="Convert a lead into a customer (an existing duplicate is linked) and a "
                   "deal; safe to retry after a failure (503)"),
]

DEALS = [
    _route("GET", f"{API}/deals", "list_deals", TAG_DEALS, args=(QUERY,),
           query="sales:DealQuery",
           response_schema="sales:Deal", response_page=True,
           summary="Deals in your scope, newest first"),
    _route("POST", f"{API}/deals", "create_deal", TAG_DEALS, args=(BODY,), body="json",
           roles=WRITERS, status=201, location=f"{API}/deals/{{id}}",
           request_schema="sales:DealCreate", response_schema="sales:Deal",
           summary="Create a deal; its amount is computed from the lines"),
    _route("GET", DEAL, "get_deal", TAG_DEALS, args=(DEAL_ID,), response_schema="sales:Deal",
           summary="A deal"),
    _route("PATCH", DEAL, "update_deal", TAG_DEALS, args=(DEAL_ID, BODY), body="json",
           roles=WRITERS, request_schema="sales:DealUpdate", response_schema="sales:Deal",
           summary="Change an open deal (name, currency, close date, lines); partial"),
    _route("POST", f"{DEAL}/stage", "move_deal", TAG_DEALS, args=(DEAL_ID, BODY), body="json",
           roles=WRITERS, request_schema="sales:StageMove", response_schema="sales:Deal",
           summary="Move a deal to a stage (lost needs lost_reason; reopening a closed deal: "
                   "manager, admin)"),
    _route("GET", f"{DEAL}/history", "get_deal_history", TAG_DEALS, args=(DEAL_ID,),
           response_schema="sales:StageChange", response_many=True,
           summary="Every stage change: who, when, from, to"),
    _route("GET", f"{API}/pipeline", "pipeline_board", TAG_DEALS, args=(QUERY,),
           query="sales:BoardQuery", response_schema="sales:Board",
           summary="The pipeline board: deals per stage with counts, sums and weighted sums "
                   "per currency, in your scope"),
    _route("GET", f"{API}/pipeline/stages", "list_stages", TAG_DEALS,
           response_schema="sales:Stage", response_many=True, summary="The pipeline's stages"),
    _route("PATCH", f"{API}/pipeline/stages/{{stage_key}}", "update_stage", TAG_DEALS,
           args=(path("stage_key"), BODY), body="json", roles=("admin",),
           request_schema="sales:StageUpdate", response_schema="sales:Stage",
           summary="Rename, reprice or retire a stage (admin)"),
]

ROUTES = PRODUCTS + LEADS + DEALS
