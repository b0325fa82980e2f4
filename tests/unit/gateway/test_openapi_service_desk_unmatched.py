"""The ticket routes document a ticket without a customer (an unknown sender's mail): its
`unmatched_sender` flag and nullable customer, the queue's `unmatched` filter, and the
customer an agent attaches with PATCH."""
from gateway import openapi
from gateway.routes import ROUTES

TICKETS = "/api/v1/service-desk/tickets"


def test_unmatched_tickets_are_documented():
    document = openapi.build(ROUTES)
    schemas = document["components"]["schemas"]
    listing = document["paths"][TICKETS]["get"]
    assert "unmatched" in {parameter["name"] for parameter in listing["parameters"]}
    assert {"customer_id", "contact_id"} <= set(schemas["TicketUpdate"]["properties"])
    ticket = schemas["Ticket"]["properties"]
    assert {"unmatched_sender", "sender_email"} <= set(ticket)
    assert "null" in str(ticket["customer_id"])
    patch = document["paths"][f"{TICKETS}/{{ticket_id}}"]["patch"]
    assert "customer_id" in patch["summary"] and "409" in patch["responses"]
