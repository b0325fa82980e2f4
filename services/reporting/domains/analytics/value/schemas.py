"""The customer-value reports' queries and answers (resolved by the gateway as
"reporting:<name>" through services/reporting/schemas.py)."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Boolean
from services.reporting.schema_parts import Freshness, Input, Period, Values, group_by, time_zone

CLASSES = ("A", "B", "C")
REPURCHASE_DIMENSIONS = ("value_class", "region", "product_id")
LIFETIME_DIMENSIONS = ("value_class", "region")
MAX_MONTHS = 60


class Paged(Input):
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500), strict=True)
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000), strict=True)


class AsOf(Input):
    """Measured up to the local day `as_of` in `tz` (default today there), over the `months`
    months before it."""
    as_of = fields.Date()
    tz = fields.String(load_default="UTC", validate=time_zone)
    months = fields.Integer(load_default=12, validate=validate.Range(1, MAX_MONTHS), strict=True)


class ValueClassesQuery(AsOf, Paged):
    suggested_class = Values(choices=CLASSES)    # A, B or C, one or a list
    changed_only = fields.Boolean(load_default=False, metadata={
        "description": "only the customers whose suggested class differs from the current one"})


APPLIES_DOC = ("all: every suggestion that differs from the current class; upgrades: only a "
               "higher class than the current one, or a first class; unclassified: only a "
               "first class, to customers with none")


class ValueClassRuleSet(Input):
    """The caller's value-class rule, replaced whole (an admin's: the company's; a manager's:
    the team's, which takes precedence over the company's for the team's customers)."""
    enabled = Boolean(required=True, metadata={
        "description": "true: a periodic pass applies the suggestions the rule selects"})
    applies = fields.String(load_default="upgrades",
                            validate=validate.OneOf(("all", "upgrades", "unclassified")),
                            metadata={"description": APPLIES_DOC})
    months = fields.Integer(load_default=12, validate=validate.Range(1, MAX_MONTHS), strict=True,
                            metadata={"description": "the suggestions' window (as the report's)"})


class ValueClassRule(Schema):
    scope = fields.String(metadata={"description": "company, or team:<team id>"})
    enabled = fields.Boolean()
    applies = fields.String(metadata={"description": APPLIES_DOC})
    months = fields.Integer()
    set_by = fields.String(allow_none=True, metadata={"description": "null: never set"})
    changed_at = fields.DateTime(allow_none=True)
    last_run_at = fields.DateTime(allow_none=True, metadata={
        "description": "the last pass that applied it (null: none yet)"})
    last_applied = fields.Integer(metadata={"description": "classes that pass changed"})
    last_failed = fields.Integer(metadata={
        "description": "customers it could not change (merged or gone meanwhile)"})


class RepurchaseQuery(Input):
    """The buyers of each period (month, quarter, year or the whole; local dates in `tz`;
    default the 12 months up to today), per class, region or product."""
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    tz = fields.String(load_default="UTC", validate=time_zone)
    granularity = fields.String(load_default="month",
                                validate=validate.OneOf(("month", "quarter", "year", "total")))
    group_by = group_by(REPURCHASE_DIMENSIONS, [])


class LifetimeValueQuery(AsOf):
    group_by = group_by(LIFETIME_DIMENSIONS, [])


class Scores(Schema):
    recency = fields.Integer()
    frequency = fields.Integer()
    monetary = fields.Integer()


class ValueClassRow(Schema):
    customer_id = fields.String()
    owner_id = fields.String(allow_none=True)
    owner_name = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    current_class = fields.String(allow_none=True)
    suggested_class = fields.String()
    change = fields.String(metadata={"description": "up | down | same | new (no class now)"})
    recency_days = fields.Integer(allow_none=True, metadata={
        "description": "days from the last won deal to as_of; null: none yet"})
    frequency = fields.Integer(metadata={"description": "won deals in the window"})
    monetary = fields.String(allow_none=True, metadata={
        "description": "their amount in the main currency (exact)"})
    currency = fields.String(allow_none=True, metadata={
        "description": "the customer's main currency: that of most of its won deals"})
    scores = fields.Nested(Scores, metadata={"description": "quintiles 1..5; 0: nothing to rank"})
    reason = fields.String()


class ValueClassesReport(Schema):
    as_of = fields.Date()
    tz = fields.String()
    months = fields.Integer()
    distribution = fields.Dict(metadata={
        "description": "in the caller's scope: suggested {A, B, C: customers}, current "
                       "{A, B, C, none: customers}, changes (suggested ≠ current)"})
    total = fields.Integer(metadata={"description": "rows in all (the page is limit/offset)"})
    rows = fields.List(fields.Nested(ValueClassRow))
    freshness = fields.Nested(Freshness)


class RepurchaseReport(Schema):
    period = fields.Nested(Period)
    group_by = fields.List(fields.String())
    rows = fields.List(fields.Dict(), metadata={
        "description": "per period (its first local day) and group: buyers (customers with a "
                       "won deal closed in the period), repeat_buyers (of those, the ones with "
                       "a won deal closed before the period — of the same product when grouped "
                       "by product_id), repurchase_rate (repeat / buyers, 0..1, 4 decimals)"})
    totals = fields.List(fields.Dict(), metadata={
        "description": "per period, all the scope's customers (the class and region rows "
                       "sum to it)"})
    freshness = fields.Nested(Freshness)


class LifetimeValueReport(Schema):
    as_of = fields.Date()
    tz = fields.String()
    months = fields.Integer()
    group_by = fields.List(fields.String())
    formula = fields.String()
    rows = fields.List(fields.Dict(), metadata={
        "description": "per group and currency: customers (buyers in the window), orders, "
                       "revenue (exact), average_order_value, purchase_frequency (orders per "
                       "customer per year), retention (of the previous window's buyers, the "
                       "share that bought again), expected_lifespan_years, lifetime_value"})
    totals = fields.List(fields.Dict(), metadata={
        "description": "the same per currency for all the scope's customers (the groups' "
                       "customers, orders and revenue sum to it)"})
    freshness = fields.Nested(Freshness)
