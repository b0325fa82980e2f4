"""Every route of the gateway, one table (see gateway/routing.py)."""
from gateway.routes import auth, customers, ops, reports, sales, sales_cash, users

ROUTES = (ops.ROUTES + auth.ROUTES + users.ROUTES + customers.ROUTES + sales.ROUTES
          + sales_cash.ROUTES + reports.ROUTES)
