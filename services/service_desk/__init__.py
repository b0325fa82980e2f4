"""The service desk: tickets, email in and out, routing, SLA clocks on business hours (issue 12)."""
