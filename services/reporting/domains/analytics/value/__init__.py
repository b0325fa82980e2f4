"""Customer value (issue 17 items 4 and 6): value classes suggested from behaviour (RFM), the
repurchase rate and the customer lifetime value — read from the customers' and sales' read
models, so they keep no tables of their own and are rebuilt with those."""
from services.reporting.domains.analytics.value import classes
from services.reporting.plugin import Report

REPORTS = (
    Report("customer_value_classes", classes.value_classes, "customers/value-classes",
           "reporting:ValueClassesQuery", "reporting:ValueClassesReport",
           "Per customer in the caller's scope: recency (days since the last won deal), "
           "frequency and value of its won deals in the `months` before `as_of` (default today "
           "in tz), each scored 1..5 by quintile among all customers, the suggested class A / B "
           "/ C with the reason in words next to the current class (apply one with PATCH "
           "/customers/{id}); paged (limit, offset)"),
)
