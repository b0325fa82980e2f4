"""Customer groups (issue 17 item 3): k-means clusters of the customers' behaviour, described
in words — read from the customers', sales' and service desk's read models, no tables of its
own."""
from services.reporting.domains.analytics.groups import report
from services.reporting.plugin import Report

REPORTS = (
    Report("customer_groups", report.groups, "customers/groups",
           "reporting:GroupsQuery", "reporting:GroupsReport",
           "Customer groups: k-means (k 2..6 by the best silhouette, fixed seed) on the "
           "standardised recency, frequency, value (as a multiple of its currency's median), "
           "products, support tickets and interactions (in the window) of every customer "
           "with a won deal up to as_of (window: months), each group described in words from "
           "its mean against everyone's; "
           "the members listed are the caller's customers"),
)
