"""Automation's email actions against a real SMTP server (aiosmtpd, tests/smtp_server.py):
send_email renders the template for the customer and the mail arrives, with a Message-ID made
of the run and the action; the server down → the run waits and resumes, one mail in the end;
a later action's outage does not send the mail again; an address refused for good fails the
run and puts the contact on do-not-contact; an address another contact holding it unsubscribed
gets nothing; notify_user writes to the rep's manager on target_at_risk (identity's users
faked: their addresses and managers)."""
from datetime import date, timedelta

import pytest
from services.chassis import mail
from services.chassis.db import make_engine
from services.chassis.rpc import ServiceUnavailable
from services.marketing.automation.handlers import rules, triggering
from services.marketing.consent.handlers import get_consent, set_consent
from services.marketing.templates.models import EmailTemplate
from services.marketing.tracking import links
from tests.unit.marketing.support import T0, Log, apply, contact, customer
from tests.unit.marketing.support import marketing_db
from tests.unit.marketing.test_automation import FakeRemote, all_runs, fire, read, write

AT = T0 + timedelta(minutes=5)
USERS = {"u-rep1": {"id": "u-rep1", "email": "rep@crm.example", "manager_id": "u-boss",
                    "active": True},
         "u-boss": {"id": "u-boss", "email": "boss@crm.example", "manager_id": None,
                    "active": True}}


@pytest.fixture
def db(dialect, migrated_database, monkeypatch):
    """Rules enabled at T0 (the events of support.Log occur after it), on marketing's migrated
    database of the test's dialect: the tests marked dialect_sensitive (the run's claim by a
    conditional UPDATE, its lease, the claimant's record of the actions done) run on
    PostgreSQL too (tests/conftest.py)."""
    for module in (rules, triggering):
        monkeypatch.setattr(module, "utcnow", lambda: T0)
    engine = make_engine(migrated_database("marketing", dialect))
    yield marketing_db(engine)
    engine.dispose()


@pytest.fixture
def remote():
    return FakeRemote()


class Identity(FakeRemote):
    def call(self, principal, service, method, *args, idempotency=None):
        if service == "identity":
            self.calls.append((principal.user_id, service, method, args, idempotency))
            return USERS[args[0]]
        return super().call(principal, service, method, *args, idempotency=idempotency)


@pytest.fixture
def identity():
    return Identity()


def template(db, template_id="tpl-thanks", subject="Thanks, {{ contact.name }}"):
    with db.unit_of_work() as uow:
        uow.session.add(EmailTemplate(
            id=template_id, name=template_id, name_norm=template_id, subject=subject,
            html="<p>Hello {{ contact.name }}</p>",
            text="Hello {{ contact.name }}. Unsubscribe: {{ unsubscribe_url }}",
            created_by="u", created_at=T0, updated_by="u", updated_at=T0))
    return template_id


def mail_rule(db, *more):
    return write(db, rules.create_rule, {
        "name": "Thanks", "trigger": "customers.customer_created", "enabled": True,
        "actions": [{"type": "send_email", "template_id": template(db)}, *more]})


@pytest.mark.dialect_sensitive("the run claimed once by a conditional UPDATE")
def test_the_mail_arrives_rendered_once(db, remote, smtp_server):
    mail_rule(db)
    apply(db, Log("customers").emit("customer_created", customer()))
    fire(db, remote, AT)
    [(envelope, received)] = smtp_server.wait_for(1)
    (run,) = all_runs(db)
    assert envelope["rcpt_tos"] == ["info@acme.example"]
    assert str(received["Subject"]) == "Thanks, Acme"
    assert received["Message-ID"] == mail.message_id(f"automation-run/{run.id}/0")
    assert (run.outcome, run.actions_done) == ("done", 1)
    unsubscribe = links.unsubscribe_url(None, "c-1")       # the contact's own, signed
    assert received["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in received.get_body(("plain",)).get_content()


@pytest.mark.dialect_sensitive("the claim released to a retry and claimed again")
def test_the_server_down_the_run_waits_and_resumes_with_one_mail(db, remote, smtp_server):
    mail_rule(db)
    apply(db, Log("customers").emit("customer_created", customer()))
    smtp_server.stop()
    fire(db, remote, AT)
    (run,) = all_runs(db)
    assert (run.outcome, run.attempts) == ("scheduled", 1) and "mail server" in run.detail
    smtp_server.start()
    fire(db, remote, AT + timedelta(minutes=1))
    assert len(smtp_server.wait_for(1)) == 1 and all_runs(db)[0].outcome == "done"


@pytest.mark.dialect_sensitive("the claimant's record of the actions done")
def test_a_later_outage_does_not_send_the_mail_again(db, remote, smtp_server):
    mail_rule(db, {"type": "create_task", "title": "Call them"})
    apply(db, Log("customers").emit("customer_created", customer()))
    remote.fail = ServiceUnavailable("sales is away")
    fire(db, remote, AT)
    (run,) = all_runs(db)
    assert (run.outcome, run.actions_done) == ("scheduled", 1)
    remote.fail = None
    fire(db, remote, AT + timedelta(minutes=1))
    assert all_runs(db)[0].outcome == "done" and len(remote.calls) == 2
    assert len(smtp_server.wait_for(1)) == 1
    assert len(smtp_server.received()) == 1


def test_an_address_refused_for_good_fails_the_run_and_is_do_not_contact(db, remote,
                                                                         smtp_server):
    mail_rule(db)
    smtp_server.refuse("info@acme.example")
    apply(db, Log("customers").emit("customer_created", customer()))
    fire(db, remote, AT)
    (run,) = all_runs(db)
    assert (run.outcome, run.reason) == ("failed", "action_failed")
    email = next(c for c in read(db, get_consent, "c-1")["channels"] if c["channel"] == "email")
    assert (email["status"], email["reason"], email["sendable"]) == (
        "do_not_contact", "bounced", False)


def test_an_address_another_contact_unsubscribed_gets_no_mail(db, remote, smtp_server):
    """info@acme.example is also Beta's reception's; it unsubscribed before the run fired."""
    mail_rule(db)
    log = Log("customers")
    apply(db, log.emit("customer_created", customer()),
          log.emit("customer_created", customer(id="c-2", name="Beta", email="b@beta.example")),
          log.emit("contact_added", contact(id="ct-reception", customer_id="c-2",
                                            email="INFO@acme.example")))
    write(db, set_consent, "ct-reception", {"channel": "email", "status": "unsubscribed"})
    fire(db, remote, AT + timedelta(minutes=5))          # Acme's run first, then Beta's
    acme, beta = sorted(all_runs(db), key=lambda run: run.customer_id)
    assert (acme.outcome, acme.reason, acme.actions_done) == ("skipped", "contact_not_sendable", 0)
    assert "another contact holding its address" in acme.detail
    assert beta.outcome == "done"
    assert [r["rcpt_tos"] for r, _m in smtp_server.wait_for(1)] == [["b@beta.example"]]
    assert len(smtp_server.received()) == 1


def test_target_at_risk_notifies_the_reps_manager(db, identity, smtp_server):
    write(db, rules.create_rule, {
        "name": "Behind", "trigger": "sales.target_at_risk", "enabled": True,
        "conditions": [{"on": "event", "field": "scope", "op": "eq", "value": "rep"}],
        "actions": [{"type": "notify_user", "to": "owner_manager",
                     "template_id": template(db, "tpl-risk", "Behind {{ contact.name | "
                                                            "default('pace') }}")}]})
    sales = Log("sales")
    apply(db, sales.emit("target_at_risk", {
        "id": "t-1", "period_kind": "month", "period_start": date(2026, 3, 1),
        "period_end": date(2026, 3, 31), "scope": "rep", "scope_value": "u-rep1",
        "measure": "revenue", "amount": "10000.00", "attained": "1000.00",
        "expected_by_now": "5000.00", "pace_percent": 20, "currency": "EUR",
        "detected_at": T0}))
    fire(db, identity, AT)
    [(envelope, received)] = smtp_server.wait_for(1)
    assert envelope["rcpt_tos"] == ["boss@crm.example"] and str(received["Subject"]) == "Behind pace"
    assert [c[3] for c in identity.calls] == [("u-rep1",), ("u-boss",)]
    assert all_runs(db)[0].outcome == "done"
