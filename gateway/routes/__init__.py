"""Every route of the gateway, one table (see gateway/routing.py)."""
from gateway.routes import (audit, auth, customers, marketing, ops, reports, sales, sales_cash,
                            sales_documents, sales_import, sales_targets, sales_tasks, users,
                            webhooks)
from gateway.routes import marketing_automation, marketing_tracking
from gateway.routes import procurement, service_desk, service_desk_survey_page
from gateway.routes import procurement_orders, procurement_sourcing
from gateway.routes import console, customer_360

ROUTES = (ops.ROUTES + auth.ROUTES + users.ROUTES + customers.ROUTES + customer_360.ROUTES
          + sales.ROUTES
          + sales_cash.ROUTES + sales_documents.ROUTES + sales_tasks.ROUTES + sales_targets.ROUTES
          + sales_import.ROUTES + reports.ROUTES + webhooks.ROUTES + audit.ROUTES
          + marketing.ROUTES
          + marketing_automation.ROUTES + marketing_tracking.ROUTES
          + service_desk.ROUTES + service_desk_survey_page.ROUTES + procurement.ROUTES
          + procurement_sourcing.ROUTES + procurement_orders.ROUTES
          + console.ROUTES)
