"""Marketing (marketing): the audience — marketing's copy of customers and their contacts with
purchase behaviour — and consent per contact and channel. Marketers, managers and admins read;
marketers and admins change; reps are refused (403)."""
from gateway.routing import BODY, QUERY, Route, path
from gateway.settings import API_PREFIX as API

MARKETING = f"{API}/marketing"
TAG_AUDIENCE, TAG_CONSENT = "marketing audience", "marketing consent"
READERS = ("marketer", "manager")              # admin always; the service checks again
MANAGERS = ("marketer",)
CONTACT_ID = path("contact_id")
CONSENT = f"{MARKETING}/audience/{{contact_id}}/consent"


def _route(method, url, rpc, tag, **options):
    return Route(method, url, "marketing", rpc, tag=tag, **options)


AUDIENCE = [
    _route("GET", f"{MARKETING}/audience", "list_audience", TAG_AUDIENCE, args=(QUERY,),
           query="marketing:AudienceQuery", roles=READERS,
           response_schema="marketing:AudienceMember", response_page=True,
           summary="The audience: every customer (as its own contact) and contact person, with "
                   "its customer's segmentation fields and purchase behaviour; by id"),
    _route("GET", f"{MARKETING}/audience/{{contact_id}}", "get_audience_member", TAG_AUDIENCE,
           args=(CONTACT_ID,), roles=READERS, response_schema="marketing:AudienceMember",
           summary="One contact's profile"),
]

CONSENTS = [
    _route("GET", CONSENT, "get_consent", TAG_CONSENT, args=(CONTACT_ID,), roles=READERS,
           response_schema="marketing:ContactConsent",
           summary="A contact's consent on every channel, and whether it may be sent to"),
    _route("PUT", CONSENT, "set_consent", TAG_CONSENT,
           args=(CONTACT_ID, BODY), body="json", roles=MANAGERS,
           request_schema="marketing:ConsentSet", response_schema="marketing:ContactConsent",
           summary="Set a contact's consent on a channel: subscribed, unsubscribed, or "
                   "do_not_contact with a reason (unsubscribed, bounced, complained, manual)"),
    _route("GET", f"{CONSENT}/history", "list_consent_history", TAG_CONSENT,
           args=(CONTACT_ID, QUERY), query="marketing:ConsentHistoryQuery", roles=READERS,
           response_schema="marketing:ConsentChange", response_page=True,
           summary="Every change of a contact's consent, newest first"),
]

ROUTES = AUDIENCE + CONSENTS
