"""Marketing (marketing): the audience — marketing's copy of customers and their contacts with
purchase behaviour — consent per contact and channel, segments (dynamic rules or static
lists, their members kept up to date as contacts change, and their history), campaigns
(planned, run, costed) and email templates (previews for a contact, test sends). Marketers,
managers and admins read; marketers and admins change; reps are refused (403)."""
from gateway.pipeline import client_ip
from gateway.routing import BODY, QUERY, Route, path
from gateway.settings import API_PREFIX as API

MARKETING = f"{API}/marketing"
TAG_AUDIENCE, TAG_CONSENT = "marketing audience", "marketing consent"
TAG_SEGMENTS, TAG_CAMPAIGNS = "marketing segments", "marketing campaigns"
TAG_RESPONSES = "marketing responses"
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

SEGMENTS_URL = f"{MARKETING}/segments"
SEGMENT = f"{SEGMENTS_URL}/{{segment_id}}"
SEGMENT_ID = path("segment_id")

SEGMENTS = [
    _route("GET", SEGMENTS_URL, "list_segments", TAG_SEGMENTS, args=(QUERY,),
           query="marketing:SegmentQuery", roles=READERS, response_schema="marketing:Segment",
           response_page=True, summary="Segments, newest first, each with its member count"),
    _route("POST", SEGMENTS_URL, "create_segment", TAG_SEGMENTS, args=(BODY,), body="json",
           roles=MANAGERS, status=201, location=f"{SEGMENTS_URL}/{{id}}",
           request_schema="marketing:SegmentCreate", response_schema="marketing:Segment",
           summary="Define a dynamic segment (rules: groups of conditions, AND within a group, "
                   "OR across) or a static list, including / excluding other segments; its "
                   "members are evaluated at once"),
    _route("GET", SEGMENT, "get_segment", TAG_SEGMENTS, args=(SEGMENT_ID,), roles=READERS,
           response_schema="marketing:Segment", summary="A segment with its member count"),
    _route("PATCH", SEGMENT, "update_segment", TAG_SEGMENTS, args=(SEGMENT_ID, BODY),
           body="json", roles=MANAGERS, request_schema="marketing:SegmentUpdate",
           response_schema="marketing:Segment",
           summary="Rename it, or replace its rules, includes or excludes (re-evaluated at once)"),
    _route("DELETE", SEGMENT, "delete_segment", TAG_SEGMENTS, args=(SEGMENT_ID,),
           roles=MANAGERS, status=204, produces="none",
           summary="Remove a segment no other segment includes or excludes (else 409)"),
    _route("GET", f"{SEGMENT}/members", "list_segment_members", TAG_SEGMENTS,
           args=(SEGMENT_ID, QUERY), query="marketing:SegmentQuery", roles=READERS,
           response_schema="marketing:AudienceMember", response_page=True,
           summary="The segment's members now (a preview page of their profiles, by id)"),
    _route("POST", f"{SEGMENT}/members", "add_segment_members", TAG_SEGMENTS,
           args=(SEGMENT_ID, BODY), body="json", roles=MANAGERS,
           request_schema="marketing:StaticMembers", response_schema="marketing:StaticResult",
           summary="Put contacts on a static list (a dynamic segment: 409)"),
    _route("POST", f"{SEGMENT}/members/csv", "import_segment_members", TAG_SEGMENTS,
           args=(SEGMENT_ID, BODY), body="csv", roles=MANAGERS,
           response_schema="marketing:StaticResult",
           summary="Put the contacts of a CSV file on a static list (text/csv: a header naming "
                   "contact_id or email, a contact per row); a row naming no contact of the "
                   "audience is a 422 naming it, and nothing is added"),
    _route("POST", f"{SEGMENT}/members/remove", "remove_segment_members", TAG_SEGMENTS,
           args=(SEGMENT_ID, BODY), body="json", roles=MANAGERS,
           request_schema="marketing:StaticMembers", response_schema="marketing:StaticResult",
           summary="Take contacts off a static list"),
    _route("GET", f"{SEGMENT}/history", "list_segment_history", TAG_SEGMENTS,
           args=(SEGMENT_ID, QUERY), query="marketing:MembershipQuery", roles=READERS,
           response_schema="marketing:MembershipChange", response_page=True,
           summary="Who joined and left the segment, when and why, newest first"),
]

CAMPAIGNS_URL = f"{MARKETING}/campaigns"
CAMPAIGN = f"{CAMPAIGNS_URL}/{{campaign_id}}"
CAMPAIGN_ID = path("campaign_id")

CAMPAIGNS = [
    _route("GET", CAMPAIGNS_URL, "list_campaigns", TAG_CAMPAIGNS, args=(QUERY,),
           query="marketing:CampaignQuery", roles=READERS, response_schema="marketing:Campaign",
           response_page=True, summary="Campaigns, newest first; by status or channel"),
    _route("POST", CAMPAIGNS_URL, "create_campaign", TAG_CAMPAIGNS, args=(BODY,), body="json",
           roles=MANAGERS, status=201, location=f"{CAMPAIGNS_URL}/{{id}}",
           request_schema="marketing:CampaignCreate", response_schema="marketing:Campaign",
           summary="Plan a campaign (a draft): goal, theme, channel, budget, dates, target and "
                   "excluded segments, owner"),
    _route("GET", CAMPAIGN, "get_campaign", TAG_CAMPAIGNS, args=(CAMPAIGN_ID,), roles=READERS,
           response_schema="marketing:Campaign", summary="A campaign with its cost so far"),
    _route("PATCH", CAMPAIGN, "update_campaign", TAG_CAMPAIGNS, args=(CAMPAIGN_ID, BODY),
           body="json", roles=MANAGERS, request_schema="marketing:CampaignUpdate",
           response_schema="marketing:Campaign",
           summary="Change a campaign: anything before it runs; name, theme, goal, budget, end "
                   "and owner while it runs; nothing once completed or cancelled (409)"),
    _route("POST", f"{CAMPAIGN}/status", "change_campaign_status", TAG_CAMPAIGNS,
           args=(CAMPAIGN_ID, BODY), body="json", roles=MANAGERS,
           request_schema="marketing:CampaignTransition", response_schema="marketing:Campaign",
           summary="Move a campaign: draft → scheduled (needs starts_at) | cancelled; scheduled "
                   "→ draft | running | cancelled; running → completed | cancelled (else 409)"),
    _route("GET", f"{CAMPAIGN}/audience", "get_campaign_audience", TAG_CAMPAIGNS,
           args=(CAMPAIGN_ID,), roles=READERS, response_schema="marketing:CampaignAudience",
           summary="How many contacts the campaign targets and how many its channel may reach "
                   "now; says so when nobody would be"),
    _route("GET", f"{CAMPAIGN}/results", "get_campaign_results", TAG_CAMPAIGNS,
           args=(CAMPAIGN_ID,), roles=READERS, response_schema="marketing:CampaignResults",
           summary="What the campaign did: recipients by outcome, unique opens / clicks, "
                   "unsubscribes, responses, leads, converted leads, won deals and revenue "
                   "credited by first and last touch, cost, cost per lead, CAC and ROI"),
    _route("GET", f"{CAMPAIGN}/costs", "list_campaign_costs", TAG_CAMPAIGNS,
           args=(CAMPAIGN_ID, QUERY), query="marketing:CostQuery", roles=READERS,
           response_schema="marketing:Cost", response_page=True,
           summary="The campaign's cost entries, newest first"),
    _route("POST", f"{CAMPAIGN}/costs", "record_campaign_cost", TAG_CAMPAIGNS,
           args=(CAMPAIGN_ID, BODY), body="json", roles=MANAGERS, status=201,
           request_schema="marketing:CostCreate", response_schema="marketing:Cost",
           summary="Record an actual cost (exact money, the campaign's currency), in any status"),
    _route("DELETE", f"{CAMPAIGN}/costs/{{cost_id}}", "remove_campaign_cost", TAG_CAMPAIGNS,
           args=(CAMPAIGN_ID, path("cost_id")), roles=MANAGERS, status=204, produces="none",
           summary="Remove a wrong cost entry (the total follows)"),
]



def submit_form(gateway, request, call):
    """Public: marketing limits responses per sender address, so it is told the address
    (behind TRUSTED_PROXY_HOPS proxies, the one they recorded)."""
    address = client_ip(request, gateway.runtime.settings.trusted_proxy_hops)
    return 202, gateway.services.call("marketing", "submit_campaign_form",
                                      call.path["campaign_id"], call.body, client_ip=address)


RESPONSES = [
    Route("POST", f"{MARKETING}/forms/{{campaign_id}}", "marketing", handler=submit_form,
          body="form", public=True, status=202, tag=TAG_RESPONSES, errors=(404, 409, 429),
          request_schema="marketing:FormResponse", response_schema="marketing:FormAccepted",
          summary="A campaign's public form (no login), posted as JSON or straight from an "
                  "HTML <form> (urlencoded, UTF-8; an empty field counts as not given): name, "
                  "email or phone, company, message; only while the campaign runs (409), at most "
                  "MARKETING_FORM_RESPONSES_PER_HOUR per sender address (429); sales makes a "
                  "lead of it, attributed to the campaign"),
    _route("GET", f"{CAMPAIGN}/responses", "list_campaign_responses", TAG_RESPONSES,
           args=(CAMPAIGN_ID, QUERY), query="marketing:ResponseQuery", roles=READERS,
           response_schema="marketing:Response", response_page=True,
           summary="The campaign's responses, newest first"),
    _route("POST", f"{CAMPAIGN}/responses", "record_campaign_response", TAG_RESPONSES,
           args=(CAMPAIGN_ID, BODY), body="json", roles=MANAGERS, status=201,
           request_schema="marketing:ManualResponse", response_schema="marketing:Response",
           summary="Enter a response (a card from the fair, a call after a mailing); sales "
                   "makes a lead of it unless create_lead is false"),
]


TEMPLATES_URL = f"{MARKETING}/templates"
TEMPLATE = f"{TEMPLATES_URL}/{{template_id}}"
TEMPLATE_ID = path("template_id")
TAG_TEMPLATES = "marketing templates"

TEMPLATES = [
    _route("GET", TEMPLATES_URL, "list_templates", TAG_TEMPLATES, args=(QUERY,),
           query="marketing:TemplateQuery", roles=READERS,
           response_schema="marketing:EmailTemplate", response_page=True,
           summary="Email templates, newest first"),
    _route("POST", TEMPLATES_URL, "create_template", TAG_TEMPLATES, args=(BODY,), body="json",
           roles=MANAGERS, status=201, location=f"{TEMPLATES_URL}/{{id}}",
           request_schema="marketing:TemplateCreate", response_schema="marketing:EmailTemplate",
           summary="Write an email template: subject, HTML and text with personalisation tokens "
                   "({{ contact.first_name | default(\"there\") }}); a syntax error or an "
                   "unknown token is a 422 naming the field and its line"),
    _route("GET", TEMPLATE, "get_template", TAG_TEMPLATES, args=(TEMPLATE_ID,), roles=READERS,
           response_schema="marketing:EmailTemplate", summary="An email template"),
    _route("PATCH", TEMPLATE, "update_template", TAG_TEMPLATES, args=(TEMPLATE_ID, BODY),
           body="json", roles=MANAGERS, request_schema="marketing:TemplateUpdate",
           response_schema="marketing:EmailTemplate",
           summary="Change any of a template's fields (checked as when written)"),
    _route("DELETE", TEMPLATE, "delete_template", TAG_TEMPLATES, args=(TEMPLATE_ID,),
           roles=MANAGERS, status=204, produces="none", summary="Remove an email template"),
    _route("GET", f"{TEMPLATE}/preview", "preview_template", TAG_TEMPLATES,
           args=(TEMPLATE_ID, QUERY), query="marketing:PreviewQuery", roles=READERS,
           response_schema="marketing:RenderedEmail",
           summary="The template rendered for a contact of the audience (no contact: every "
                   "token's default)"),
    _route("POST", f"{TEMPLATE}/test-send", "send_test_template", TAG_TEMPLATES,
           args=(TEMPLATE_ID, BODY), body="json", roles=MANAGERS,
           request_schema="marketing:TestSend", response_schema="marketing:TestSent",
           errors=(503,),
           summary="Send the template rendered for a contact to an address (yours) through the "
                   "configured SMTP server; a refused address is a 422, a mail server that is "
                   "down a 503"),
]

SENDS = [
    _route("POST", f"{CAMPAIGN}/send", "start_campaign_send", TAG_CAMPAIGNS,
           args=(CAMPAIGN_ID, BODY), body="json", roles=MANAGERS, status=202,
           request_schema="marketing:SendStart", response_schema="marketing:CampaignSend",
           summary="Broadcast a running email campaign's template to its audience, once per "
                   "contact: who is reachable now is snapshotted, then sent in batches at the "
                   "configured rate; an SMTP outage makes it wait and resume. Once per campaign "
                   "(again: 409); nobody to reach is allowed (recipients 0)"),
    _route("GET", f"{CAMPAIGN}/send", "get_campaign_send", TAG_CAMPAIGNS, args=(CAMPAIGN_ID,),
           roles=READERS, response_schema="marketing:CampaignSend",
           summary="The broadcast's progress: sending / waiting (for the SMTP server) / done, "
                   "and its recipients counted by state"),
    _route("GET", f"{CAMPAIGN}/send/recipients", "list_campaign_recipients", TAG_CAMPAIGNS,
           args=(CAMPAIGN_ID, QUERY), query="marketing:RecipientQuery", roles=READERS,
           response_schema="marketing:Recipient", response_page=True,
           summary="The broadcast's recipients by contact id, each with its state (pending, "
                   "sending, sent, bounced, failed, skipped) and why"),
]

ROUTES = AUDIENCE + CONSENTS + SEGMENTS + CAMPAIGNS + SENDS + RESPONSES + TEMPLATES
