"""The price list: products with a list price and currency. Everyone reads it; admins and
managers maintain it (the service checks the role). Every creation and change is an event
(product_created / product_updated, the whole product): a product's series decides which
product-line targets its won lines count for, and reporting follows it."""
import uuid

from sqlalchemy import select

from services.chassis import normalize
from services.chassis.errors import Conflict, NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load, shared
from services.sales.products import schemas
from services.sales.products.models import Product

FIELDS = ("name", "series", "list_price", "currency", "active")


def dump(product):
    return shared(schemas.Product).dump(product)


def _record(product):
    """The event's payload (products/events.py dumps it): the product's own values."""
    return {name: getattr(product, name) for name in
            ("id", "name", "series", "list_price", "currency", "active", "created_at",
             "updated_at")}


def _refuse_twin(session, name_norm, exclude_id=None):
    query = select(Product.id).where(Product.name_norm == name_norm)
    if exclude_id is not None:
        query = query.where(Product.id != exclude_id)
    existing = session.scalar(query)
    if existing:
        raise Conflict("A product with this name already exists.", {"duplicate_of": existing})


def create_product(uow, principal, data):
    data = load(schemas.ProductCreate, data)
    product = Product(id=str(uuid.uuid4()), name_norm=normalize.text(data["name"])[:200], **data)
    _refuse_twin(uow.session, product.name_norm)
    product.created_at = product.updated_at = utcnow()
    uow.session.add(product)
    uow.emit("product_created", _record(product))
    return dump(product)


def update_product(uow, principal, product_id, data):
    changes = load(schemas.ProductUpdate, data, partial=True)
    product = get(uow.session, product_id, for_write=True)
    if "name" in changes:
        _refuse_twin(uow.session, normalize.text(changes["name"])[:200], exclude_id=product.id)
    changed = [name for name, value in changes.items() if getattr(product, name) != value]
    for name in changed:
        setattr(product, name, changes[name])
    if changed:
        product.name_norm = normalize.text(product.name)[:200]
        product.updated_at = utcnow()
        uow.emit("product_updated", {**_record(product), "changed": sorted(changed)})
    return dump(product)


def get(session, product_id, for_write=False):
    product = session.get(Product, product_id, with_for_update=for_write) \
        if isinstance(product_id, str) else None
    if product is None:
        raise NotFound(f"No product {product_id}.", {"id": product_id})
    return product


def get_product(session, principal, product_id):
    return dump(get(session, product_id))


def list_products(session, principal, query=None):
    filters = load(schemas.ProductQuery, query or {})
    statement = select(Product).order_by(Product.name_norm, Product.id)
    if filters.get("active") is not None:
        statement = statement.where(Product.active.is_(filters["active"]))
    return [dump(product) for product in session.scalars(statement)]
