"""service_desk: tickets from customers' complaints and requests, answered by support agents in
their teams' queues; email in and out, routing, SLA clocks on business hours (sla/) — issue 12.
See service.py for its areas and docs/contracts.md#service_desk."""
