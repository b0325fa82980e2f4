"""marshmallow field types and validators every service's schemas share: one definition of money,
currency, phone and "not blank", so a value one service accepts passes another's checks too
(a sales lead's details must pass customers' when the lead is converted)."""
import functools
import re
import zoneinfo
from decimal import Decimal, InvalidOperation

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from services.chassis import characters
from services.chassis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# ISO 4217 active codes (2024). Funds and precious metals are left out: nobody invoices in them.
CURRENCIES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED
VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
""".split())

class Input(Schema):
    """Every RPC input schema (query schemas too): an unknown field is refused (a typo is a 422,
    not ignored), and so is a string holding what services/chassis/characters.py refuses — in
    any field, whatever its type, named per field."""
    class Meta:
        unknown = RAISE

    @pre_load
    def _refuse_bad_characters(self, data, **kwargs):
        if not isinstance(data, dict):
            return data                 # marshmallow says "Invalid input type" itself
        declared = {field.data_key or name: field for name, field in self.load_fields.items()}
        errors = {}
        for key, value in data.items():
            if isinstance(key, str) and characters.problem(key):
                errors.setdefault("_schema", []).append("A field name holds a control "
                                                        "character or is not valid Unicode.")
                continue
            found = _character_errors(value, declared.get(key))
            if found:
                errors[key] = found
        if errors:
            raise ValidationError(errors)
        return data


def _character_errors(value, field):
    """marshmallow-shaped errors for the strings in `value` (None if all are acceptable text).
    A nested Input schema checks its own fields (it knows which are multi-line); a free-form
    object is checked by the schema that reads it (each deal import row: its own rejection)."""
    if isinstance(value, str):
        message = characters.problem(value, multiline=bool(field and field.metadata.get(
            "multiline")))
        return [message] if message else None
    if isinstance(field, fields.Nested) and isinstance(field.schema, Input):
        return None
    if isinstance(field, (fields.Dict, fields.Raw)):
        return None                     # free-form (a deal import's rows): judged by its reader
    if isinstance(value, (list, tuple)):
        inner = getattr(field, "inner", None)
        found = {index: error for index, item in enumerate(value)
                 if (error := _character_errors(item, inner))}
        return found or None
    if isinstance(value, dict):
        found = {key: error for key, item in value.items()
                 if (error := _character_errors(key, None) or _character_errors(item, None))}
        return found or None
    return None


def text(max_length, required=False, multiline=False, **kwargs):
    """1..max_length characters; a required text must also not be blank, an optional one may
    be null. Only a `multiline` text may hold tabs and line breaks (characters.py)."""
    checks = [validate.Length(min=1, max=max_length)]
    if required:
        checks.append(not_blank)
    if multiline:
        kwargs["metadata"] = {**kwargs.get("metadata", {}), "multiline": True}
    return fields.String(required=required, allow_none=not required, validate=checks, **kwargs)


class Boolean(fields.Boolean):
    """true or false only: marshmallow's own also takes 1, "yes", "on" — the document says
    boolean, and 0 for `active` is more likely a mistake than a wish."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-]+$")
MAX_MONEY = Decimal("1e15")


def phone(value):
    """E.164-ish: an optional leading +, then digits, spaces, hyphens, parentheses; 6..20 digits."""
    if not _PHONE_CHARS.match(value):
        raise ValidationError("Use digits, spaces, '+' (leading), '-' and parentheses only.")
    count = sum(ch.isdigit() for ch in value)
    if not 6 <= count <= 20:
        raise ValidationError("A phone number has 6 to 20 digits.")


def not_blank(value):
    if not value.strip():
        raise ValidationError("Must not be blank.")


def currency(value):
    if value not in CURRENCIES:
        raise ValidationError("Not an ISO 4217 currency code (e.g. EUR, USD, JPY).")


def time_zone(value):
    if value not in time_zones():
        raise ValidationError("Not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC).")


@functools.cache
def time_zones():
    """The IANA zones this machine's tz database knows (read once: it scans the files)."""
    return frozenset(zoneinfo.available_timezones() | {"UTC"})


class Money(fields.Field):
    """A non-negative amount with at most 2 decimals, sent as a string (or an integer) and
    dumped as a string. Floats are refused: 0.1 is not exactly a tenth."""
    # How the API document writes it (gateway/field_schemas.py): the strings accepted, and the
    # whole numbers (`pattern` applies to a string only, the bounds to a number only).
    json_schema = {"type": ["string", "integer"], "format": "decimal",
                   "pattern": r"^[0-9]{1,15}(\.[0-9]{1,2})?$",
                   "minimum": 0, "maximum": int(MAX_MONEY) - 1}
    # In a response: a sum (a pipeline's total) may pass 10^15.
    json_schema_out = {"type": "string", "format": "decimal",
                       "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"}
    # An amount that must be more than 0 (a payment, a target) says so with this pattern and
    # `"minimum": 1` in its metadata.
    POSITIVE = r"^([1-9][0-9]{0,14}(\.[0-9]{1,2})?|0?\.([1-9][0-9]?|0[1-9]))$"

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValidationError("Send money as a string, e.g. \"1250000.00\".")
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError("Not a decimal number.")
        if not amount.is_finite() or amount < 0 or amount >= MAX_MONEY:
            raise ValidationError("Must be between 0 and 10^15.")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError("At most 2 decimal places.")
        return amount.quantize(Decimal("0.01"))

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class Percent(Money):
    """A percentage, or any score out of 100 (a discount, a supplier's evaluation): the rules
    of `Money` (at most 2 decimals, strings or integers, never floats), capped at 100."""
    json_schema = {**Money.json_schema, "maximum": 100,
                   "pattern": r"^(100(\.00?)?|[0-9]{1,2}(\.[0-9]{1,2})?)$"}
    HUNDRED = Decimal("100")

    def _deserialize(self, value, attr, data, **kwargs):
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount > self.HUNDRED:
            raise ValidationError("Must be between 0 and 100.")
        return amount


# The page of a list query, declared once so every query schema (and so the API document the
# gateway renders from them) says the same; the range is pagination's own.

class Whole(fields.Nested):
    """A nested object that is complete even in a partial update: a deal's lines are replaced
    as a whole, so a line without its quantity is refused, not stored half."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        return super()._deserialize(value, attr, data, partial=None, **kwargs)


def page_cursor():
    return fields.String(allow_none=True, validate=validate.Length(max=2000),
                         metadata={"description": "next_cursor of the previous page"})


def page_limit():
    return fields.Integer(strict=True, allow_none=True, validate=validate.Range(1, MAX_PAGE_SIZE),
                          metadata={"description": f"1..{MAX_PAGE_SIZE} (default "
                                                   f"{DEFAULT_PAGE_SIZE})"})


# How the API document writes the shared validators (gateway/field_schemas.py), so a value the
# document allows passes them: the codes, the characters and digit count of a phone number.
JSON_SCHEMA_OF_VALIDATORS = {
    currency: {"enum": sorted(CURRENCIES)},
    phone: {"pattern": r"^\+?[ ()-]*([0-9][ ()-]*){6,20}$"},
    not_blank: {"pattern": r"\S"},
}


def json_schema_of(validator):
    """The JSON Schema keywords that say what `validator` accepts ({} if none can)."""
    if validator is time_zone:
        return {"enum": sorted(time_zones())}
    try:
        return JSON_SCHEMA_OF_VALIDATORS.get(validator, {})
    except TypeError:                   # an unhashable validator instance
        return {}
