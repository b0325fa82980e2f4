"""The shared field types, validators, text normalisation and the exact money column."""
from decimal import Decimal

import pytest
from marshmallow import Schema, ValidationError
from sqlalchemy import String, select
from sqlalchemy import text as sql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis import normalize
from services.chassis.errors import Invalid
from services.chassis.fields import Input, Money, currency, not_blank, phone, text
from services.chassis.models import Cents
from services.chassis.validation import load_each
from tests.unit.chassis.fakes import make_db


class Amount(Schema):
    amount = Money()


@pytest.mark.parametrize("sent, loaded", [("1250000.00", Decimal("1250000.00")), (7, Decimal("7.00")),
                                          (" 0.5 ", Decimal("0.50"))])
def test_money_loads_strings_and_integers_exactly(sent, loaded):
    assert Amount().load({"amount": sent})["amount"] == loaded
    assert Amount().dump({"amount": loaded}) == {"amount": str(loaded)}


@pytest.mark.parametrize("sent", [0.1, True, "abc", "-1", "1e15", "NaN", "1.005"])
def test_money_refuses_floats_and_out_of_range_or_inexact_amounts(sent):
    with pytest.raises(ValidationError):
        Amount().load({"amount": sent})


def test_validators():
    currency("EUR")
    phone("+49 (30) 123-45")
    not_blank(" x ")
    for check, value in ((currency, "EURO"), (currency, "eur"), (phone, "12345"),
                         (phone, "+1 555 0100 ext. 3"), (not_blank, "  ")):
        with pytest.raises(ValidationError):
            check(value)


def test_normalize():
    assert normalize.text("  Ａcme,\tInc.  ") == "acme inc"
    assert normalize.text("北京 科技") == "北京 科技" and normalize.text(None) == ""
    assert normalize.digits("０３-１２３４") == "031234"
    assert normalize.email(" Rep@Example.COM ") == "rep@example.com"


class Base(DeclarativeBase):
    pass


class Priced(Base):
    __tablename__ = "priced"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    price: Mapped[Decimal | None] = mapped_column(Cents)


def test_cents_stores_exact_hundredths(memory_engine):
    db = make_db(memory_engine, Base.metadata)
    with db.unit_of_work() as uow:
        uow.session.add_all([Priced(id="a", price=Decimal("0.10")), Priced(id="b", price=None),
                             Priced(id="c", price=Decimal("999999999999999.99"))])
    with db.read_only() as session:
        assert {row.id: row.price for row in session.execute(select(Priced.id, Priced.price))} == {
            "a": Decimal("0.10"), "b": None, "c": Decimal("999999999999999.99")}
        assert session.execute(sql("SELECT price FROM priced WHERE id = 'a'")).scalar() == 10


class Named(Input):
    name = text(20, required=True)
    note = text(5)


def test_inputs_refuse_unknown_fields_and_required_text_must_not_be_blank():
    assert Named().load({"name": "Acme", "note": None}) == {"name": "Acme", "note": None}
    for bad, field in (({"name": "Acme", "owner_id": "u1"}, "owner_id"), ({"name": "  "}, "name"),
                       ({"name": None}, "name"), ({"name": "Acme", "note": ""}, "note"),
                       ({"name": "Acme", "note": "too long"}, "note")):
        with pytest.raises(ValidationError) as refused:
            Named().load(bad)
        assert set(refused.value.messages) == {field}


def test_load_each_answers_every_item_even_beside_one_the_pre_load_refuses():
    """many=True would fail the whole list at the character check of one item."""
    loaded = load_each(Named, [{"name": "Acme"}, {"name": "Bell\x07"}, {"name": " "},
                                 "not an object", {"name": "Zeta", "note": "ok"}])
    assert loaded[0] == {"name": "Acme"} and loaded[4] == {"name": "Zeta", "note": "ok"}
    assert [set(item.details) for item in loaded[1:4]] == [{"name"}, {"name"}, {"_schema"}]
    assert all(isinstance(item, Invalid) for item in loaded[1:4])
