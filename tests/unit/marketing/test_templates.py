"""Email templates: tokens rendered in the sandbox (defaults, autoescape in HTML only, no
escape from the sandbox, caps on what a template may make the worker do), syntax errors named
by field and line on save with nothing written, names unique, events, pages, previews for a
contact of the audience."""
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, func, select

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import OutboxEvent
from services.marketing.templates import handlers, rendering
from services.marketing.templates.models import EmailTemplate
from tests.unit.marketing.support import Log, apply, contact, customer, marketing_db

MARKETER = Principal("u-mkt", "marketer")
WELCOME = {"name": "Welcome", "subject": "Hello {{ contact.first_name | default('there') }}",
           "html": "<p>Dear {{ contact.first_name | default('there') }} of {{ contact.company }}</p>\n"
                   "<a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>",
           "text": "Dear {{ contact.first_name | default('there') }},\nbye"}


def template(**fields):
    return SimpleNamespace(**{**WELCOME, **fields})


def test_tokens_with_defaults_and_escaping_only_in_html():
    person = {"kind": "contact", "name": "Ada <b>Lovelace</b>", "customer_name": "Acme & Co"}
    rendered = rendering.render(template(), person, unsubscribe_url="https://x.example/u?a=1&b=2")
    assert rendered["subject"] == "Hello Ada"
    assert rendered["html"] == ("<p>Dear Ada of Acme &amp; Co</p>\n"
                                "<a href=\"https://x.example/u?a=1&amp;b=2\">Unsubscribe</a>")
    assert rendered["text"] == "Dear Ada,\nbye"
    nobody = rendering.render(template(), None)
    assert (nobody["subject"], nobody["text"]) == ("Hello there", "Dear there,\nbye")
    company = rendering.render(template(), {"kind": "customer", "customer_kind": "company",
                                            "name": "Acme Ltd", "customer_name": "Acme Ltd"})
    assert company["subject"] == "Hello there"          # a company has no first name
    assert "of Acme Ltd" in company["html"]


def test_the_sandbox_refuses_python_and_caps_work():
    escaped = rendering.render(template(text="{{ ''.__class__ }}"), None)
    assert escaped["text"] == ""
    for source in ("{{ ''.__class__.__mro__ }}", "{{ 'x' * 100000 }}", "{{ 2 ** 100000 }}",
                   "{% for i in range(10**6) %}{% endfor %}", "{{ 1 // 0 }}"):
        with pytest.raises(rendering.RenderError) as failed:
            rendering.render(template(text=source), None)
        assert list(failed.value.errors) == ["text"]


@pytest.mark.parametrize("values, field, message", [
    ({"subject": "Hi {{ contact.first_name "}, "subject", "Line 1:"),
    ({"html": "<p>\n\n{% if contact.name %}</p>"}, "html", "Line 3:"),
    ({"text": "{{ contact.name | shout }}"}, "text", "No filter named 'shout'"),
    ({"text": "{{ contcat.name }}"}, "text", "Unknown token contcat"),
    ({"html": "{% for a in contact.tags %}{% for b in a %}{% for c in b %}{% endfor %}"
              "{% endfor %}{% endfor %}"}, "html", "nest"),
])
def test_check_names_the_field_and_line(values, field, message):
    errors = rendering.check(values)
    assert list(errors) == [field] and message in errors[field][0]


@pytest.fixture
def db():
    db = marketing_db(create_engine("sqlite://"))
    customers = Log("customers")
    apply(db, customers.emit("customer_created", customer(kind="individual", name="Grace Hopper",
                                                          email="grace@navy.example")),
          customers.emit("contact_added", contact()))
    return db


def write(db, handler, *args):
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        return handler(uow, MARKETER, *args)


def counts(db):
    with db.read_only() as session:
        return (session.scalar(select(func.count()).select_from(EmailTemplate)),
                [e for (e,) in session.execute(select(OutboxEvent.event_type)
                                               .order_by(OutboxEvent.sequence))])


def test_templates_are_written_checked_and_published(db):
    created = write(db, handlers.create_template, WELCOME)
    assert (created["name"], created["created_by"]) == ("Welcome", "u-mkt")
    with pytest.raises(Invalid) as bad:
        write(db, handlers.update_template, created["id"], {"subject": "{% if %}", "text": "ok"})
    assert list(bad.value.details) == ["subject"] and "Line 1" in bad.value.details["subject"][0]
    with pytest.raises(Conflict):
        write(db, handlers.create_template, {**WELCOME, "name": " welcome "})
    with pytest.raises(Invalid) as missing:
        write(db, handlers.create_template, {"name": "Empty", "subject": "s", "html": " "})
    assert set(missing.value.details) == {"html", "text"}
    changed = write(db, handlers.update_template, created["id"], {"text": "Bye {{ contact.name }}"})
    assert changed["text"] == "Bye {{ contact.name }}" and changed["subject"] == WELCOME["subject"]
    assert counts(db) == (1, ["email_template_created", "email_template_updated"])
    write(db, handlers.delete_template, created["id"])
    assert counts(db) == (0, ["email_template_created", "email_template_updated",
                              "email_template_deleted"])
    with pytest.raises(NotFound):
        write(db, handlers.delete_template, created["id"])


def test_list_pages_newest_first(db):
    for n in range(3):
        write(db, handlers.create_template, {**WELCOME, "name": f"T{n}"})
    with db.read_only() as session:
        first = handlers.list_templates(session, MARKETER, {"limit": 2})
        rest = handlers.list_templates(session, MARKETER, {"cursor": first["next_cursor"]})
        with pytest.raises(Invalid):
            handlers.list_templates(session, MARKETER, {"limit": 0})
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert {t["name"] for t in first["items"] + rest["items"]} == {"T0", "T1", "T2"}


def test_preview_for_a_contact_of_the_audience(db):
    created = write(db, handlers.create_template, WELCOME)
    with db.read_only() as session:
        person = handlers.preview_template(session, MARKETER, created["id"], {"contact_id": "ct-1"})
        individual = handlers.preview_template(session, MARKETER, created["id"],
                                               {"contact_id": "c-1"})
        anyone = handlers.preview_template(session, MARKETER, created["id"])
        with pytest.raises(NotFound):
            handlers.preview_template(session, MARKETER, created["id"], {"contact_id": "nobody"})
        with pytest.raises(Invalid):
            handlers.preview_template(session, MARKETER, created["id"], {"contact": "ct-1"})
    assert person["subject"] == "Hello Ada" and "of Grace Hopper" in person["html"]
    assert individual["subject"] == "Hello Grace"
    assert (anyone["contact_id"], anyone["subject"]) == (None, "Hello there")
