"""Customer value (issue 17 items 4 and 6): value classes suggested from behaviour (RFM), the
repurchase rate and the customer lifetime value — read from the customers' and sales' read
models, so they keep no read models of their own and are rebuilt with those; and the rule that
applies the suggested classes automatically (autoapply.py; its table is configuration)."""
from services.reporting.domains.analytics.value import classes, lifetime, models, repurchase  # noqa: F401
from services.reporting.plugin import Report

REPORTS = (
    Report("customer_value_classes", classes.value_classes, "customers/value-classes",
           "reporting:ValueClassesQuery", "reporting:ValueClassesReport",
           "Per customer in the caller's scope: recency (days since the last won deal), "
           "frequency and value of its won deals in the `months` before `as_of` (default today "
           "in tz), each scored 1..5 by quintile among all customers, the suggested class A / B "
           "/ C with the reason in words next to the current class (apply one with PATCH "
           "/customers/{id}, or all by the rule: /reports/customers/value-classes/rule); "
           "paged (limit, offset)"),
    Report("customer_repurchase", repurchase.repurchase, "customers/repurchase",
           "reporting:RepurchaseQuery", "reporting:RepurchaseReport",
           "Repurchase rate per period (month / quarter / year / total of from..to, local dates "
           "in tz; default the 12 months up to today): of the customers with a won deal closed "
           "in the period, the share that had one before it (repeat buyers / buyers); group_by "
           "value_class, region (rows sum to the totals) or product_id (repeat: that product "
           "before)"),
    Report("customer_lifetime_value", lifetime.lifetime_value, "customers/lifetime-value",
           "reporting:LifetimeValueQuery", "reporting:LifetimeValueReport",
           "Customer lifetime value per currency (group_by value_class, region): average order "
           "value × purchase frequency (orders per customer per year) × expected lifespan "
           "((months / 12) / (1 − retention) years, retention: the previous window's buyers who "
           "bought again; at most 10 years), over the won deals of the `months` before as_of"),
)
