"""Who may do what in procurement (issue 14). `require()` lets admin and the system through as
well. The record scopes of purchase requests are requests/scopes.py.

- BUYER: procurement's own role — keeps the supplier book, evaluates suppliers, sees every
  purchase request (to source it);
- SUPPLIERS_WRITE: suppliers, their contacts, documents and status — buyers;
- SUPPLIERS_READ: the supplier book — buyers and managers (who approve what is bought);
- EVALUATE: score a supplier for a period — buyers; CONFIGURE: the criteria and the flag
  threshold — buyers (admin always); the approval policy (amount thresholds) — admin only;
- REQUEST: raise a purchase request — any signed-in role (requesters are anybody);
- APPROVERS: the roles an approval step may name (manager, buyer, admin);
- SOURCING: ask suppliers to quote, record, choose and withdraw their offers, make and cancel
  purchase contracts — buyers. Quotations and contracts are read by whoever sees their request
  (requests/scopes.py: buyers all, a manager the team's, anyone else their own);
- ORDER: place, send, cancel and close purchase orders and record goods received — buyers;
  ORDERS_READ: orders and their receipts — buyers and managers (those of the requests they
  see: orders/scopes.py).
Unblocking a blocked supplier (blocked → active) is admin's alone (suppliers/statuses.py).
"""
from services.chassis.auth import ROLES

BUYER = "buyer"
SUPPLIERS_WRITE = (BUYER,)
SUPPLIERS_READ = (BUYER, "manager")
EVALUATE = (BUYER,)
CONFIGURE_CRITERIA = (BUYER,)
REQUEST = tuple(role for role in ROLES if role != "admin")
APPROVERS = ("manager", BUYER, "admin")
SOURCING = (BUYER,)
ORDER = (BUYER,)
ORDERS_READ = (BUYER, "manager")
