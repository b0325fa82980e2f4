"""Email templates: create, change, remove, read and list them; preview one rendered for a
contact of the audience; send a test of it to an address. A template whose subject or bodies
do not compile (or name an unknown token) is a 422 naming the field and the line, and nothing
is written; a name already used (case-insensitively) is a 409."""
import logging
import uuid

from sqlalchemy import select

from services.chassis import mail, normalize, pagination
from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import utcnow
from services.chassis.rpc import ServiceUnavailable
from services.chassis.validation import load
from services.marketing.audience.handlers import member
from services.marketing.templates import rendering, schemas
from services.marketing.templates.models import EmailTemplate

TEMPLATE, RENDERED, SENT = schemas.EmailTemplate(), schemas.RenderedEmail(), schemas.TestSent()
log = logging.getLogger(__name__)
FIELDS = ("name", "description", "subject", "html", "text")


def dump(template):
    return TEMPLATE.dump({name: getattr(template, name) for name in (
        "id", *FIELDS, "created_by", "created_at", "updated_by", "updated_at")})


def get(session, template_id, for_write=False):
    template = session.get(EmailTemplate, template_id, with_for_update=for_write) \
        if isinstance(template_id, str) else None
    if template is None:
        raise NotFound(f"No email template {template_id}.", {"id": template_id})
    return template


def _compiles(values):
    errors = rendering.check(values)
    if errors:
        raise Invalid("The template does not compile.", errors)


def _unique_name(session, name, template_id=None):
    name_norm = normalize.text(name)[:200]
    other = session.scalar(select(EmailTemplate.id).where(EmailTemplate.name_norm == name_norm))
    if other and other != template_id:
        raise Conflict("A template with this name already exists.", {"duplicate_of": other,
                                                                    "field": "name"})
    return name_norm


def _event(uow, event_type, template, principal, now):
    uow.emit(event_type, {"id": template.id, "name": template.name, "subject": template.subject,
                          "changed_by": principal.user_id, "changed_at": now})


def create_template(uow, principal, data):
    values = load(schemas.TemplateCreate, data)
    _compiles(values)
    session, now = uow.session, utcnow()
    template = EmailTemplate(id=str(uuid.uuid4()), name_norm=_unique_name(session, values["name"]),
                             created_by=principal.user_id, created_at=now,
                             updated_by=principal.user_id, updated_at=now,
                             **{name: values.get(name) for name in FIELDS})
    session.add(template)
    session.flush()
    _event(uow, "email_template_created", template, principal, now)
    return dump(template)


def update_template(uow, principal, template_id, data):
    changes = load(schemas.TemplateUpdate, data, partial=True)
    _compiles(changes)
    session, now = uow.session, utcnow()
    template = get(session, template_id, for_write=True)
    if "name" in changes:
        template.name_norm = _unique_name(session, changes["name"], template.id)
    for name, value in changes.items():
        setattr(template, name, value)
    template.updated_by, template.updated_at = principal.user_id, now
    session.flush()
    _event(uow, "email_template_updated", template, principal, now)
    return dump(template)


def delete_template(uow, principal, template_id):
    template = get(uow.session, template_id, for_write=True)
    _event(uow, "email_template_deleted", template, principal, utcnow())
    uow.session.delete(template)


def get_template(session, principal, template_id):
    return dump(get(session, template_id))


def list_templates(session, principal, query=None):
    filters = load(schemas.TemplateQuery, query or {})
    return pagination.newest_first(session, select(EmailTemplate), EmailTemplate, filters,
                                   "email-templates",
                                   lambda _session, rows: [dump(row) for row in rows])


def _rendered(session, template_id, contact_id):
    """{subject, html, text} for the contact (None: nobody, every default shows)."""
    template = get(session, template_id)
    profile = member(session, contact_id) if contact_id else None
    try:
        return rendering.render(template, profile)
    except rendering.RenderError as error:
        raise Invalid("The template cannot be rendered for this contact.", error.errors)


def preview_template(session, principal, template_id, query=None):
    contact_id = load(schemas.PreviewQuery, query or {}).get("contact_id")
    return RENDERED.dump({"template_id": template_id, "contact_id": contact_id,
                          **_rendered(session, template_id, contact_id)})


def render_test(session, principal, template_id, data):
    """The test mail, rendered (the reading half of a test send: no mail is sent here)."""
    values = load(schemas.TestSend, data)
    rendered = _rendered(session, template_id, values.get("contact_id"))
    message = mail.build_message(to=values["to"], subject=rendered["subject"],
                                 text=rendered["text"], html=rendered["html"],
                                 headers={"X-CRM-Test-Send": template_id})
    return values, message


def send_test(values, template_id, message):
    """Sends it through the chassis (after the read-only session closed): a refused address
    is a 422 on `to`, a mail server that is down or deferring a 503 (try again)."""
    try:
        mail.send(message)
    except mail.RecipientRefused as error:
        raise Invalid("The mail server refused this address.", {"to": [str(error)]})
    except mail.PermanentMailError as error:
        raise Invalid("The mail server refused the message.", {"_schema": [str(error)]})
    except mail.TransientMailError as error:
        log.warning("test send of template %s: %s", template_id, error)   # not for the client
        raise ServiceUnavailable("The mail server is not reachable now; try again.")
    return SENT.dump({"template_id": template_id, "contact_id": values.get("contact_id"),
                      "to": values["to"], "subject": message["Subject"],
                      "message_id": message["Message-ID"]})
