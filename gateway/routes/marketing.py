"""Marketing (marketing): the audience — marketing's copy of customers and their contacts with
purchase behaviour. Marketers, managers and admins read it; reps are refused (403)."""
from gateway.routing import QUERY, Route, path
from gateway.settings import API_PREFIX as API

MARKETING = f"{API}/marketing"
TAG_AUDIENCE = "marketing audience"
READERS = ("marketer", "manager")              # admin always; the service checks again
CONTACT_ID = path("contact_id")


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

ROUTES = AUDIENCE
