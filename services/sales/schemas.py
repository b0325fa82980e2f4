"""RPC inputs (unknown fields refused) and outputs of the sales service.

The gateway's OpenAPI document references these classes by name (`sales:Deal`, ...).
"""
from decimal import Decimal

from marshmallow import Schema, fields, validate

from services.chassis.fields import Input, Money, currency, phone, text
from services.sales.events import DealLine, ScoreFactor
from services.sales.fields import Percent

LEAD_STATUSES = ("new", "contacted", "qualified", "disqualified", "converted")
LEAD_SOURCES = ("web", "referral", "partner", "event", "campaign", "outbound", "other")


def ident(required=False):
    return fields.String(required=required, allow_none=not required,
                         validate=validate.Length(min=1, max=36))


PAGE = {"cursor": fields.String(allow_none=True, validate=validate.Length(max=2000)),
        "limit": fields.Raw(allow_none=True, metadata={"description": "1..100 (default 25)"})}

# --- products -------------------------------------------------------------------------------


class ProductUpdate(Input):
    name = text(200, required=True)
    series = text(100)
    list_price = Money(required=True, metadata={"type": "string", "format": "decimal"})
    currency = fields.String(required=True, validate=currency, metadata={"description": "ISO 4217"})
    active = fields.Boolean(load_default=True)


class ProductCreate(ProductUpdate):
    pass


class ProductQuery(Input):
    active = fields.Boolean(allow_none=True)


class Product(Schema):
    id = fields.String()
    name = fields.String()
    series = fields.String(allow_none=True)
    list_price = Money(metadata={"type": "string", "format": "decimal"})
    currency = fields.String()
    active = fields.Boolean()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


# --- leads ----------------------------------------------------------------------------------

class LeadUpdate(Input):
    """Partial on update. Status and owner have their own operations."""
    source = fields.String(allow_none=True, validate=validate.OneOf(LEAD_SOURCES))
    campaign = text(100)
    contact_name = text(200, required=True)
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    contact_phone = fields.String(allow_none=True, validate=[validate.Length(max=40), phone])
    contact_title = text(100)
    company_name = text(200)
    industry = text(100)
    company_size = fields.Integer(strict=True, allow_none=True,
                                  validate=validate.Range(0, 10_000_000))
    website = fields.URL(allow_none=True, schemes={"http", "https"},
                         validate=validate.Length(max=2048))
    region = text(64)


class LeadCreate(LeadUpdate):
    owner_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36),
                             metadata={"description": "admin: anyone; manager: own team; "
                                                      "others may not set it"})


class LeadStatus(Input):
    status = fields.String(required=True, validate=validate.OneOf(LEAD_STATUSES[:4]))
    reason = text(500, metadata={"description": "required to disqualify"})


class LeadQuery(Input):
    status = fields.String(allow_none=True, validate=validate.OneOf(LEAD_STATUSES))
    owner_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    cursor = PAGE["cursor"]
    limit = PAGE["limit"]


class Lead(Schema):
    id = fields.String()
    status = fields.String()
    source = fields.String(allow_none=True)
    campaign = fields.String(allow_none=True)
    contact_name = fields.String()
    contact_email = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    contact_title = fields.String(allow_none=True)
    company_name = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    company_size = fields.Integer(allow_none=True)
    website = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    score = fields.Integer()
    score_factors = fields.List(fields.Nested(ScoreFactor))
    disqualified_reason = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    deal_id = fields.String(allow_none=True)
    converted_at = fields.AwareDateTime(allow_none=True)
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


# --- deals ----------------------------------------------------------------------------------

class LineInput(Input):
    product_id = ident(required=True)
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(1, 1_000_000))
    unit_price = Money(allow_none=True, load_default=None,
                       metadata={"description": "default: the product's list price"})
    discount_percent = Percent(load_default=Decimal("0.00"),
                               metadata={"type": "string", "format": "decimal"})


class DealUpdate(Input):
    name = text(200, required=True)
    currency = fields.String(required=True, validate=currency)
    expected_close_date = fields.Date(allow_none=True)
    lines = fields.List(fields.Nested(LineInput), validate=validate.Length(max=200),
                        load_default=list)


class DealCreate(DealUpdate):
    customer_id = ident(required=True)
    owner_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36))


class Conversion(Input):
    """The opportunity a lead becomes (the customer comes from the lead's details)."""
    deal_name = text(200)
    currency = fields.String(required=True, validate=currency)
    expected_close_date = fields.Date(allow_none=True)
    lines = fields.List(fields.Nested(LineInput), validate=validate.Length(max=200),
                        load_default=list)


class StageMove(Input):
    stage = fields.String(required=True, validate=validate.Length(min=1, max=40))
    lost_reason = text(500, metadata={"description": "required when moving to a lost stage"})


class DealQuery(Input):
    stage = fields.String(allow_none=True, validate=validate.Length(max=40))
    owner_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    customer_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    cursor = PAGE["cursor"]
    limit = PAGE["limit"]


class BoardQuery(Input):
    owner_id = fields.String(allow_none=True, validate=validate.Length(max=36))


class StageChange(Schema):
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String()
    changed_by = fields.String()
    changed_at = fields.AwareDateTime()
    reason = fields.String(allow_none=True)


class Deal(Schema):
    id = fields.String()
    name = fields.String()
    customer_id = fields.String(allow_none=True, metadata={
        "description": "null only for an imported open deal whose source had no account"})
    lead_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    stage = fields.String()
    probability = fields.Integer()
    amount = Money(metadata={"type": "string", "format": "decimal"})
    currency = fields.String()
    weighted_amount = Money(metadata={"type": "string", "format": "decimal"})
    expected_close_date = fields.Date(allow_none=True)
    lost_reason = fields.String(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    stage_changed_at = fields.AwareDateTime()
    lines = fields.List(fields.Nested(DealLine))
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ConversionResult(Schema):
    lead = fields.Nested(Lead)
    customer_id = fields.String()
    customer_link = fields.String(metadata={"description": "created | existing (a duplicate)"})
    deal = fields.Nested(Deal)


# --- pipeline -------------------------------------------------------------------------------

class StageUpdate(Input):
    name = text(100, required=True)
    probability = fields.Integer(strict=True, validate=validate.Range(0, 100))
    active = fields.Boolean()


class Stage(Schema):
    key = fields.String()
    name = fields.String()
    probability = fields.Integer()
    position = fields.Integer()
    kind = fields.String(metadata={"description": "open | won | lost"})
    active = fields.Boolean()


class CurrencyTotal(Schema):
    currency = fields.String()
    count = fields.Integer()
    amount = Money(metadata={"type": "string", "format": "decimal"})
    weighted_amount = Money(metadata={"type": "string", "format": "decimal"})


class BoardColumn(Stage):
    count = fields.Integer()
    totals = fields.List(fields.Nested(CurrencyTotal))


class Board(Schema):
    stages = fields.List(fields.Nested(BoardColumn))
    totals = fields.List(fields.Nested(CurrencyTotal), metadata={"description": "open deals"})


# --- the parts built in their own modules (the gateway resolves "sales:Name" here) -----------
from services.sales.schemas_cash import (Invoice, InvoiceCancel, InvoiceCreate,  # noqa: E402,F401
                                         InvoiceDetail, InvoiceQuery, Payment, PaymentCreate,
                                         PaymentResult)
from services.sales.schemas_tasks import (MyTasksQuery, Task, TaskCreate,  # noqa: E402,F401
                                          TaskQuery, TaskRules, TaskRulesUpdate, TaskUpdate)
from services.sales.schemas_import import (IMPORT_STATUSES, DealImport,  # noqa: E402,F401
                                           DealImportResult, DealImportRow)
from services.sales.schemas_targets import (Target, TargetQuery,  # noqa: E402,F401
                                           TargetSet)
from services.sales.schemas_documents import (Contract, ContractCreate,  # noqa: E402,F401
                                            DocumentQuery, Order, OrderCreate, Quote,
                                            QuoteCreate, QuoteQuery, QuoteUpdate)
