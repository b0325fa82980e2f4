"""What sales consumes, and from whom (tolerant copies: unknown=EXCLUDE, a producer may add
fields); service.py subscribes to these:

- identity's users (assignment pools, teams): the shared kernel's schema, the same in every
  service keeping a users copy (services/sales/users.py);
- customers' contacts, owners and merges (birthday reminders): tasks/consumes.py;
- marketing's campaign responses (leads attributed to their campaign): leads/consumes.py;
- reporting's customers at risk of churning (the owner's follow-up task): tasks/consumes.py.
"""
from services.kernel.users_copy import USER_EVENTS, UserEvent  # noqa: F401
from services.sales.leads.consumes import CONSUMED_FROM_MARKETING, MARKETING_EVENTS  # noqa: F401
from services.sales.tasks.consumes import (CONSUMED_FROM_CUSTOMERS,  # noqa: F401
                                           CONSUMED_FROM_REPORTING, CUSTOMER_EVENTS,
                                           REPORTING_EVENTS, ContactEvent, CustomerAssigned,
                                           CustomerMerged)
