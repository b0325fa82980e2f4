"""What the service desk consumes, and from whom (tolerant copies: unknown=EXCLUDE, a producer
may add fields): customers' customers, owners, merges and contact persons (directory/
consumes.py); identity's users (the shared kernel's copy: agents, teams, sales managers)."""
from services.kernel.users_copy import USER_EVENTS, UserEvent
from services.service_desk.directory.consumes import FROM_CUSTOMERS

FROM_IDENTITY = {event_type: UserEvent for event_type in USER_EVENTS}
CONSUMED = {"customers": FROM_CUSTOMERS, "identity": FROM_IDENTITY}
