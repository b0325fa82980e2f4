"""Who owns a customer: round-robin over active reps, or a manager's / admin's choice."""
from services.kernel.assignment import Owners
from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.customers.models import AssignmentCursor
from services.customers.queries import scopes
from services.customers.queries.views import dump_one
from services.customers.users_copy import users

# Round-robin and the owner check are the shared kernel's (services/kernel/assignment.py), over
# customers' own users copy and cursor table.
owners = Owners(users, AssignmentCursor)
next_owner = owners.next_owner
next_owners = owners.next_owners
check_owner_choice = owners.check_owner_choice


def assigned_event(customer, previous, reason, by):
    return {"id": customer.id, "owner_id": customer.owner_id, "previous_owner_id": previous,
            "region": customer.region, "reason": reason, "assigned_by": by}


def assign_customer(uow, principal, customer_id, owner_id):
    session = uow.session
    if not isinstance(owner_id, str) or not owner_id:
        raise Invalid("The request is not valid.", {"owner_id": ["Missing or not a string."]})
    customer = scopes.writable(session, principal, customer_id)
    check_owner_choice(session, principal, owner_id)
    if customer.owner_id != owner_id:
        previous = customer.owner_id
        customer.owner_id = owner_id
        customer.updated_at = utcnow()
        uow.emit("customer_assigned", assigned_event(customer, previous, "manual", principal.user_id))
    return dump_one(session, customer)
