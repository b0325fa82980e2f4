"""The price list: exact prices with a currency, no twins by name, partial changes."""
import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from services.sales.products import handlers as products
from tests.unit.sales.support import ADMIN, MANAGER, REP_A, call, events, product


def test_create_update_and_list_the_price_list(db):
    gtx = product(db, "GTX Pro", "4821.00")
    assert (gtx["list_price"], gtx["currency"], gtx["series"], gtx["active"]) == (
        "4821.00", "USD", "GTX", True)
    with pytest.raises(Conflict) as error:
        product(db, "  gtx   PRO ")
    assert error.value.details == {"duplicate_of": gtx["id"]}
    changed = call(db, products.update_product, MANAGER, gtx["id"], {"list_price": "4999.99"})
    assert (changed["list_price"], changed["active"], changed["name"]) == ("4999.99", True, "GTX Pro")
    call(db, products.update_product, ADMIN, gtx["id"], {"active": False})
    other = product(db, "MG Special", "55.00")
    assert [p["id"] for p in call(db, products.list_products, REP_A, {"active": True}, write=False)] \
        == [other["id"]]
    assert len(call(db, products.list_products, REP_A, {}, write=False)) == 2
    with pytest.raises(Conflict):
        call(db, products.update_product, ADMIN, other["id"], {"name": "GTX pro"})


@pytest.mark.parametrize("bad", [{"list_price": 10.5}, {"list_price": "1.234"},
                                 {"list_price": "-1"}, {"currency": "usd"}, {"name": ""},
                                 {"price": "1.00"}])
def test_bad_products_are_422_and_nothing_is_stored(db, bad):
    data = {"name": "Thing", "list_price": "1.00", "currency": "USD", **bad}
    with pytest.raises(Invalid):
        call(db, products.create_product, ADMIN, data)
    assert call(db, products.list_products, ADMIN, {}, write=False) == []


def test_an_unknown_product_is_not_found(db):
    with pytest.raises(NotFound):
        call(db, products.get_product, REP_A, "nope", write=False)


def test_every_product_creation_and_change_is_an_event_with_the_whole_product(db):
    """A product's series is configuration a KPI reads (product-line targets): reporting
    follows it from these events."""
    gtx = product(db, "GTX Pro", "4821.00")
    call(db, products.update_product, ADMIN, gtx["id"], {"series": "MG"})
    call(db, products.update_product, ADMIN, gtx["id"], {"series": "MG"})        # no change
    with pytest.raises(Invalid):
        call(db, products.update_product, ADMIN, gtx["id"], {"list_price": "-1"})
    published = events(db)
    assert [(t, p["id"], p["series"], p["list_price"], p.get("changed")) for t, p in published] \
        == [("product_created", gtx["id"], "GTX", "4821.00", None),
            ("product_updated", gtx["id"], "MG", "4821.00", ["series"])]
