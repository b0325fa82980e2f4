"""A campaign's broadcast in the real marketing container: batches fanned out over RabbitMQ
(marketing's own campaign_send_batch_released messages, taken by its workers) to a real SMTP
server, each contact once; with the server down the send waits, and resumes by itself (the
timer) once it is back — nobody lost, nobody doubled; an address another contact holding it
unsubscribed meanwhile is skipped when its batch comes."""
from datetime import timedelta

import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Forbidden
from services.chassis.models import utcnow
from tests.helpers import wait_until
from tests.integration.marketing.conftest import call, evaluated
from tests.unit.marketing.support import customer

MARKETER = Principal("u-mkt", "marketer")
MANAGER = Principal("u-mgr", "manager")
PEOPLE = 11


@pytest.fixture
def fast(monkeypatch):
    for name, value in {"MARKETING_SEND_BATCH_SIZE": "4", "MARKETING_SEND_RATE_PER_SECOND": "0",
                        "MARKETING_SEND_TICK_SECONDS": "0.1",
                        "MARKETING_SEND_RETRY_SECONDS": "0.2"}.items():
        monkeypatch.setenv(name, value)


def prepared(producers, marketing):
    marketing.start()
    call(producers["customers"], "publish", [("customer_created", customer(
        id=f"c-{n}", kind="individual", name=f"Reader{n} Doe", email=f"r{n}@example.com"))
        for n in range(PEOPLE)])
    # the segment after the audience is complete (once, a segment created while the events
    # were still being applied never reached everyone within 10 s; not reproduced since)
    wait_until(lambda: len(call(marketing, "list_audience", {"limit": 100},
                                principal=MARKETER)["items"]) == PEOPLE,
               message="everyone in the audience")
    segment = call(marketing, "create_segment", {"name": "North", "kind": "dynamic", "rules": [
        [{"field": "region", "op": "eq", "value": "north"}]]}, principal=MARKETER)
    assert evaluated(marketing, segment["id"], MARKETER)["member_count"] == PEOPLE
    campaign = call(marketing, "create_campaign", {
        "name": "Autumn", "channel": "email", "currency": "EUR", "segment_ids": [segment["id"]],
        "starts_at": (utcnow() + timedelta(days=1)).isoformat()}, principal=MARKETER)
    for to in ("scheduled", "running"):
        call(marketing, "change_campaign_status", campaign["id"], {"to": to}, principal=MARKETER)
    template = call(marketing, "create_template", {
        "name": "Autumn mail", "subject": "Autumn news for {{ contact.first_name }}",
        "html": "<p>Hello {{ contact.first_name }}</p>", "text": "Hello {{ contact.first_name }}"},
        principal=MARKETER)
    return campaign["id"], template["id"]


def done(marketing, campaign_id):
    answer = call(marketing, "get_campaign_send", campaign_id, principal=MANAGER)
    return answer if answer["status"] == "done" else None


@pytest.mark.dialect_sensitive("the snapshot's INSERT … SELECT with row_number(), claims and "
                               "row locks under concurrent workers on PostgreSQL")
def test_the_broadcast_fans_out_over_rabbitmq_once_per_contact(producers, marketing, smtp_server,
                                                               fast):
    campaign_id, template_id = prepared(producers, marketing)
    with pytest.raises(Forbidden):
        call(marketing, "start_campaign_send", campaign_id, {"template_id": template_id},
             principal=MANAGER)
    started = call(marketing, "start_campaign_send", campaign_id, {"template_id": template_id},
                   principal=MARKETER)
    assert (started["recipients"], started["batches"]) == (PEOPLE, 3)
    with pytest.raises(Conflict):
        call(marketing, "start_campaign_send", campaign_id, {"template_id": template_id},
             principal=MARKETER)
    final = wait_until(lambda: done(marketing, campaign_id), timeout=30, message="the send done")
    assert final["counts"]["sent"] == PEOPLE
    received = smtp_server.wait_for(PEOPLE)
    assert sorted(r["rcpt_tos"][0] for r, _m in received) == sorted(
        f"r{n}@example.com" for n in range(PEOPLE))
    assert {str(m["Subject"]) for _r, m in received} == {
        f"Autumn news for Reader{n}" for n in range(PEOPLE)}


def test_an_smtp_outage_makes_the_send_wait_and_resume_by_itself(producers, marketing,
                                                                 smtp_server, fast):
    campaign_id, template_id = prepared(producers, marketing)
    smtp_server.stop()
    call(marketing, "start_campaign_send", campaign_id, {"template_id": template_id},
         principal=MARKETER)
    waiting = wait_until(lambda: (lambda a: a if a["status"] == "waiting" else None)(
        call(marketing, "get_campaign_send", campaign_id, principal=MARKETER)),
        timeout=30, message="the send waiting for the SMTP server")
    assert waiting["counts"]["sent"] == 0 and waiting["last_error"]
    smtp_server.start()
    wait_until(lambda: done(marketing, campaign_id), timeout=30, message="the send resumed")
    received = smtp_server.wait_for(PEOPLE)
    assert len(received) == len({r["rcpt_tos"][0] for r, _m in received}) == PEOPLE


@pytest.mark.dialect_sensitive("the address's consent asked again in the claim's transaction, "
                               "with concurrent workers, on PostgreSQL")
def test_an_address_another_holder_unsubscribed_while_the_send_waited_is_not_mailed(
        producers, marketing, smtp_server, fast):
    """r3@example.com is also a south customer's (not targeted): it unsubscribes after the
    snapshot, while the send waits for the SMTP server — its batch then skips Reader3."""
    campaign_id, template_id = prepared(producers, marketing)
    call(producers["customers"], "publish", [("customer_created", customer(
        id="c-south", region="south", name="Southern Reception", email="R3@Example.com"))])
    wait_until(lambda: call(marketing, "list_audience", {"customer_id": "c-south"},
                            principal=MARKETER)["items"], message="the south customer known")
    smtp_server.stop()
    started = call(marketing, "start_campaign_send", campaign_id, {"template_id": template_id},
                   principal=MARKETER)
    assert started["recipients"] == PEOPLE                  # Reader3 reachable at the snapshot
    wait_until(lambda: call(marketing, "get_campaign_send", campaign_id,
                            principal=MARKETER)["status"] == "waiting",
               timeout=30, message="the send waiting for the SMTP server")
    call(marketing, "set_consent", "c-south", {"channel": "email", "status": "unsubscribed"},
         principal=MARKETER)
    smtp_server.start()
    final = wait_until(lambda: done(marketing, campaign_id), timeout=30, message="the send done")
    assert (final["counts"]["sent"], final["counts"]["skipped"]) == (PEOPLE - 1, 1)
    [skipped] = call(marketing, "list_campaign_recipients", campaign_id, {"state": "skipped"},
                     principal=MARKETER)["items"]
    assert (skipped["contact_id"], skipped["reason"]) == ("c-3", "address_unsubscribed")
    received = smtp_server.wait_for(PEOPLE - 1)
    assert sorted(r["rcpt_tos"][0] for r, _m in received) == sorted(
        f"r{n}@example.com" for n in range(PEOPLE) if n != 3)
