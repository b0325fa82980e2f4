"""Purchase behaviour from sales' events: a won deal is a purchase (its amount, currency,
products, time), an order adds its date and products (its value is its won deal's), a won deal
that leaves its won stage later — lost, or reopened — is removed again. Each function returns
the contacts whose profile may have changed."""
import json

from sqlalchemy import select

from services.marketing.audience import consumes
from services.marketing.audience.models import AudienceCustomer, AudiencePurchase
from services.marketing.audience.rows import contacts_of, customer as locked_customer, read
from services.marketing.audience.rows import surviving


def _products(lines):
    return json.dumps(sorted({line["product_id"] for line in lines}))


def deal_won(uow, envelope):
    data, session = read(envelope, consumes.FROM_SALES), uow.session
    if data["customer_id"] is None:
        return set()                    # an imported deal without an account: nobody to know
    customer = locked_customer(session, surviving(session, data["customer_id"]))
    key = f"deal:{data['id']}"
    purchase = session.get(AudiencePurchase, key) or AudiencePurchase(id=key, kind="deal")
    session.add(purchase)
    purchase.customer_id, purchase.amount = customer.id, data["amount"]
    purchase.currency, purchase.stage = data["currency"], data["stage"]
    purchase.purchased_at = data["closed_at"] or data["updated_at"]
    purchase.products = _products(data["lines"])
    session.flush()
    return recompute_purchases(session, customer)


def _unwin(session, deal_id, at, still_won=None):
    """Remove the deal's purchase if the deal left its won stage after it was won."""
    purchase = session.get(AudiencePurchase, f"deal:{deal_id}")
    if purchase is None or at <= purchase.purchased_at or still_won == purchase.stage:
        return set()
    session.delete(purchase)
    session.flush()
    return recompute_purchases(session, session.get(AudienceCustomer, purchase.customer_id))


def deal_lost(uow, envelope):
    data = read(envelope, consumes.FROM_SALES)
    return _unwin(uow.session, data["id"], data["closed_at"] or data["updated_at"])


def deal_stage_changed(uow, envelope):
    data = read(envelope, consumes.FROM_SALES)
    return _unwin(uow.session, data["deal_id"], data["changed_at"], still_won=data["to_stage"])


def order_placed(uow, envelope):
    data, session = read(envelope, consumes.FROM_SALES), uow.session
    if data["customer_id"] is None:
        return set()
    customer = locked_customer(session, surviving(session, data["customer_id"]))
    key = f"order:{data['id']}"
    purchase = session.get(AudiencePurchase, key) or AudiencePurchase(id=key, kind="order")
    session.add(purchase)
    purchase.customer_id, purchase.currency = customer.id, data["currency"]
    purchase.purchased_at, purchase.products = data["placed_at"], _products(data["lines"])
    session.flush()
    return recompute_purchases(session, customer)


def recompute_purchases(session, customer):
    """Last purchase, lifetime value per currency (won deals) and products bought, from the
    customer's purchase rows. Returns the customer's contacts."""
    if customer is None:
        return set()
    purchases = list(session.scalars(select(AudiencePurchase)
                                     .where(AudiencePurchase.customer_id == customer.id)))
    totals, products = {}, set()
    for purchase in purchases:
        if purchase.amount is not None:
            totals[purchase.currency] = totals.get(purchase.currency, 0) + purchase.amount
        products.update(json.loads(purchase.products))
    customer.last_purchase_at = max((p.purchased_at for p in purchases), default=None)
    customer.lifetime_value = json.dumps({code: str(amount) for code, amount
                                          in sorted(totals.items())})
    customer.products = json.dumps(sorted(products))
    session.flush()
    return contacts_of(session, customer.id)
