"""The ticket status flow (issue 12 §2; Frappe Helpdesk's grouping). Statuses fall in three
categories — open (new, open), paused (waiting on customer / third party: the SLA clock stops
there), resolved (resolved, closed). `closed` is final: nothing leaves it, a customer's reply
to a closed ticket is refused (a new ticket is the way). Going back to `new` is never allowed.
A change to the status a ticket already has is no change (answered, nothing recorded)."""
NEW, OPEN = "new", "open"
WAITING_ON_CUSTOMER, WAITING_ON_THIRD_PARTY = "waiting_on_customer", "waiting_on_third_party"
RESOLVED, CLOSED = "resolved", "closed"

CATEGORIES = {NEW: "open", OPEN: "open",
              WAITING_ON_CUSTOMER: "paused", WAITING_ON_THIRD_PARTY: "paused",
              RESOLVED: "resolved", CLOSED: "resolved"}
STATUSES = tuple(CATEGORIES)
CATEGORY_NAMES = ("open", "paused", "resolved")

_WORKING = {OPEN, WAITING_ON_CUSTOMER, WAITING_ON_THIRD_PARTY, RESOLVED, CLOSED}
ALLOWED = {
    NEW: _WORKING,
    OPEN: _WORKING - {OPEN},
    WAITING_ON_CUSTOMER: _WORKING - {WAITING_ON_CUSTOMER},
    WAITING_ON_THIRD_PARTY: _WORKING - {WAITING_ON_THIRD_PARTY},
    RESOLVED: {OPEN, CLOSED},            # reopen, or close for good
    CLOSED: set(),
}


def category(status):
    return CATEGORIES[status]


def may_move(current, target):
    return target in ALLOWED[current]


def reopens_on_customer_reply(status):
    """A customer's reply puts a paused or resolved ticket back in the agents' open queue."""
    return CATEGORIES[status] in ("paused", "resolved") and status != CLOSED
