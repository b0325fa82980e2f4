"""The service desk's email through the gateway against the real processes and the real SMTP
server: a customer's mail to the inbound webhook becomes an email ticket (the same mail again
changes nothing); the agent's public reply arrives at the customer's address with the ticket
token and threading headers; the customer's answer to that mail threads back onto the ticket
and reopens it. A contact person's mail is a ticket of their customer. The webhook refuses a
missing secret (401) and a body over the gateway's limit (413), and a mail without a sender
(422) — never a 5xx."""
import uuid

import pytest

from tests.e2e.system import INBOUND_EMAIL_SECRET
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
INBOUND = "service-desk/inbound/email"
SECRET = {"X-Webhook-Secret": INBOUND_EMAIL_SECRET}


def mail(sender, subject, body, message_id, extra=""):
    return (f"From: Ada <{sender}>\r\nTo: support@desk.example\r\nSubject: {subject}\r\n"
            f"Message-ID: {message_id}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n"
            f"\r\n{body}\r\n")


@pytest.fixture
def customer(admin, region):
    region_name, sales_team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=sales_team["id"])
    suffix = uuid.uuid4().hex[:8]
    return rep.create_customer(name=f"Mailer {suffix} Ltd", region=region_name,
                               email=f"mailer-{suffix}@desk.example")


def test_a_mail_becomes_a_ticket_the_reply_is_mailed_and_the_answer_threads_back(
        admin, anonymous, customer, mailbox):
    manager = admin.create_user("support_manager")
    # the customer known to the service desk's copy first (a mail from an unknown address
    # would be a ticket without a customer, `unmatched_sender` — and its Message-ID then
    # counts as seen)
    wait_until(lambda: manager.post("service-desk/tickets", json={
        "customer_id": customer["id"], "subject": "Known yet?"}).status_code == 201,
        timeout=30, message="the customer in the service desk's copy")
    first_id = f"<{uuid.uuid4().hex}@customer.example>"
    received = anonymous.ok("POST", INBOUND, headers=SECRET, json={"raw": mail(
        customer["email"], "Printer on fire", "It smokes.", first_id)})
    assert received["outcome"] == "created" and received["message_id"] == first_id
    url = f"service-desk/tickets/{received['ticket_id']}"
    ticket = manager.ok("GET", url)
    assert (ticket["customer_id"], ticket["channel"], ticket["subject"], ticket["description"]) \
        == (customer["id"], "email", "Printer on fire", "It smokes.")
    again = anonymous.ok("POST", INBOUND, headers=SECRET, json={"raw": mail(
        customer["email"], "Printer on fire", "It smokes.", first_id)})
    assert (again["outcome"], again["ticket_id"]) == ("duplicate", ticket["id"])

    manager.ok("POST", f"{url}/replies", expect=201, json={"body": "Unplug it, please."})
    manager.ok("POST", f"{url}/status", json={"status": "resolved"})

    def replies():          # the resolution mails a satisfaction survey too (test_..._surveys)
        return [m for m in mailbox.messages_to(customer["email"])
                if str(m["Subject"]).startswith("Re: ")]
    [sent] = wait_until(lambda: replies() or None, timeout=30,
                        message="the reply at the SMTP server")
    assert str(sent["Subject"]) == f"Re: Printer on fire [#T-{ticket['id']}]"
    assert (sent["In-Reply-To"], sent["References"]) == (first_id, first_id)
    assert sent.get_content().strip() == "Unplug it, please."

    answer = anonymous.ok("POST", INBOUND, headers=SECRET, json={"raw": mail(
        customer["email"], "Re: your mail", "Still smoking.",
        f"<{uuid.uuid4().hex}@customer.example>", extra=f"In-Reply-To: {sent['Message-ID']}\r\n")})
    assert (answer["outcome"], answer["ticket_id"]) == ("replied", ticket["id"])
    assert manager.ok("GET", url)["status"] == "open"
    entries = manager.ok("GET", f"{url}/entries")["items"]
    assert [(e["author_kind"], e["body"]) for e in entries] == [
        ("agent", "Unplug it, please."), ("customer", "Still smoking.")]
    assert len(replies()) == 1


def test_a_mail_from_a_contact_persons_address_is_a_ticket_of_their_customer(admin, anonymous,
                                                                           customer):
    manager = admin.create_user("support_manager")
    address = f"grace-{uuid.uuid4().hex[:8]}@desk.example"
    person = admin.ok("POST", f"customers/{customer['id']}/contacts", expect=201,
                      json={"name": "Grace Hopper", "email": address.upper()})
    wait_until(lambda: manager.post("service-desk/tickets", json={
        "customer_id": customer["id"], "contact_id": person["id"],
        "subject": "Known yet?"}).status_code == 201,
        timeout=30, message="the contact person in the service desk's copy")
    received = anonymous.ok("POST", INBOUND, headers=SECRET, json={"raw": mail(
        address, "Invoice missing", "Where is it?", f"<{uuid.uuid4().hex}@customer.example>")})
    ticket = manager.ok("GET", f"service-desk/tickets/{received['ticket_id']}")
    assert (received["outcome"], ticket["customer_id"], ticket["contact_id"], ticket["tags"]) == (
        "created", customer["id"], person["id"], [])


def test_the_webhook_refuses_without_a_secret_too_large_or_without_a_sender(anonymous):
    message = mail("x@desk.example", "Hi", "Hello", f"<{uuid.uuid4().hex}@x.example>")
    assert anonymous.request("POST", INBOUND, json={"raw": message}).status_code == 401
    assert anonymous.request("POST", INBOUND, json={"raw": message}, headers={
        "X-Webhook-Secret": "wrong"}).status_code == 401
    huge = anonymous.request("POST", INBOUND, headers=SECRET,
                             json={"raw": message + "x" * (2 * 1024 * 1024)})
    assert huge.status_code == 413
    big = anonymous.request("POST", INBOUND, headers=SECRET,
                            json={"raw": message + "x" * (600 * 1024)})
    assert big.status_code == 422
    no_sender = anonymous.request("POST", INBOUND, headers=SECRET,
                                  json={"raw": "Subject: Hi\r\n\r\nHello"})
    assert no_sender.status_code == 422 and "raw" in no_sender.json()["errors"], no_sender.text
