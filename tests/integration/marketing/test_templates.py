"""Email templates in the real marketing container, with a real SMTP server: a test send of a
template rendered for a contact arrives (multipart, personalised, escaped in HTML); a refused
address is a 422 on `to`, a mail server that is down a 503 and the same request goes through
once it is back; managers preview but do not send; reps are refused."""
import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Forbidden, Invalid
from services.chassis.rpc import ServiceUnavailable
from tests.helpers import wait_until
from tests.integration.marketing.conftest import call
from tests.unit.marketing.support import contact, customer

MARKETER = Principal("u-mkt", "marketer")
MANAGER = Principal("u-mgr", "manager")
REP = Principal("u-rep1", "sales_rep")
OFFER = {"name": "Renewal offer", "subject": "{{ contact.first_name | default('Hi there') }}, renew",
         "html": "<h1>For {{ contact.company | default('you') }}</h1>",
         "text": "Dear {{ contact.first_name | default('there') }}, renew at {{ contact.company }}."}


def test_a_test_send_reaches_the_smtp_server(producers, marketing, smtp_server):
    marketing.start()
    call(producers["customers"], "publish", [("customer_created", customer(name="Bits & Bytes")),
                                             ("contact_added", contact())])
    wait_until(lambda: call(marketing, "list_audience", {}, principal=MARKETER)["items"],
               message="the contact in the audience")
    template = call(marketing, "create_template", OFFER, principal=MARKETER)
    preview = call(marketing, "preview_template", template["id"], {"contact_id": "ct-1"},
                   principal=MANAGER)
    assert preview["subject"] == "Ada, renew"
    assert preview["html"] == "<h1>For Bits &amp; Bytes</h1>"

    sent = call(marketing, "send_test_template", template["id"],
                {"to": "me@crm.example", "contact_id": "ct-1"}, principal=MARKETER)
    [(envelope, message)] = smtp_server.wait_for(1)
    assert envelope["rcpt_tos"] == ["me@crm.example"]
    assert (message["Message-ID"], str(message["Subject"])) == (sent["message_id"], "Ada, renew")
    assert message.get_body(("html",)).get_content().strip() == "<h1>For Bits &amp; Bytes</h1>"
    assert message.get_body(("plain",)).get_content().strip() == \
        "Dear Ada, renew at Bits & Bytes."

    smtp_server.refuse("nobody@crm.example")
    with pytest.raises(Invalid) as refused:
        call(marketing, "send_test_template", template["id"], {"to": "nobody@crm.example"},
             principal=MARKETER)
    assert "to" in refused.value.details
    smtp_server.stop()
    with pytest.raises(ServiceUnavailable):
        call(marketing, "send_test_template", template["id"], {"to": "me@crm.example"},
             principal=MARKETER)
    smtp_server.start()
    call(marketing, "send_test_template", template["id"], {"to": "me@crm.example"},
         principal=MARKETER)
    assert str(smtp_server.wait_for(2)[1][1]["Subject"]) == "Hi there, renew"

    with pytest.raises(Forbidden):
        call(marketing, "send_test_template", template["id"], {"to": "me@crm.example"},
             principal=MANAGER)
    with pytest.raises(Forbidden):
        call(marketing, "list_templates", {}, principal=REP)
    with pytest.raises(Invalid) as bad:
        call(marketing, "send_test_template", template["id"], {"to": "not an address"},
             principal=MARKETER)
    assert "to" in bad.value.details
    assert len(smtp_server.received()) == 2


@pytest.mark.dialect_sensitive("the unique name index and the template row lock on PostgreSQL")
def test_templates_are_kept_and_paged(marketing):
    marketing.start()
    made = [call(marketing, "create_template", {**OFFER, "name": f"Offer {n}"}, principal=MARKETER)
            for n in range(3)]
    page = call(marketing, "list_templates", {"limit": 2}, principal=MANAGER)
    rest = call(marketing, "list_templates", {"cursor": page["next_cursor"]}, principal=MANAGER)
    listed = {t["id"] for t in page["items"] + rest["items"]
              if t["created_by"] != "system"}       # not the example rules' seeded templates
    assert listed == {t["id"] for t in made}
    with pytest.raises(Invalid) as bad:
        call(marketing, "update_template", made[0]["id"], {"html": "<p>{{ contact.name </p>"},
             principal=MARKETER)
    assert list(bad.value.details) == ["html"]
    assert call(marketing, "get_template", made[0]["id"], principal=MANAGER)["html"] == OFFER["html"]
