"""Service desk (service_desk): tickets — create, list (filtered, paginated), read, change, move
along the status flow (open: new, open; paused: waiting on customer / third party; resolved:
resolved, closed — an illegal move is a 409), answer (public replies, internal notes), read
their conversation and history, merge duplicates. Agents and support managers work tickets
(agents their team's queue) — a mail from an unknown sender is a ticket without a customer
(`unmatched_sender`) until one of them attaches it; sales reps and managers read the tickets
of the customers they can see (never an unmatched one); admins everything. The service
enforces the scopes (services/service_desk/tickets/scopes.py); a ticket out of scope is a
404."""
from gateway.routing import BODY, QUERY, Route, path
from gateway.settings import API_PREFIX as API

TICKETS = f"{API}/service-desk/tickets"
TICKET = f"{TICKETS}/{{ticket_id}}"
TICKET_ID = path("ticket_id")
TAG = "service desk tickets"
WORKERS = ("agent", "support_manager")            # admin always; the service checks again
READERS = WORKERS + ("sales_rep", "manager")
SLA = f"{API}/service-desk/sla"
SLA_TAG = "service desk SLA"


def _route(method, url, rpc, **options):
    return Route(method, url, "service_desk", rpc, tag=TAG, **options)


ROUTES = [
    _route("GET", TICKETS, "list_tickets", args=(QUERY,), query="service_desk:TicketQuery",
           roles=READERS, response_schema="service_desk:Ticket", response_page=True,
           summary="Tickets the caller may see, newest first: by status or its category, "
                   "priority, channel, team, assignee (`none`: unassigned), customer, without "
                   "a customer (`unmatched=true`: unknown senders' mails, to attach), "
                   "category, tag"),
    _route("POST", TICKETS, "create_ticket", args=(BODY,), body="json", roles=WORKERS,
           status=201, location=f"{TICKETS}/{{id}}", request_schema="service_desk:TicketCreate",
           response_schema="service_desk:Ticket",
           summary="Open a ticket for a customer (and one of its contact persons): status new, "
                   "in the team given, else the assignee's, else the creating agent's"),
    _route("GET", TICKET, "get_ticket", args=(TICKET_ID,), roles=READERS,
           response_schema="service_desk:Ticket", summary="One ticket"),
    _route("PATCH", TICKET, "update_ticket", args=(TICKET_ID, BODY), body="json",
           roles=WORKERS, request_schema="service_desk:TicketUpdate",
           response_schema="service_desk:Ticket", errors=(409,),
           summary="Change its subject, description, category, priority, tags, team or "
                   "assignee (a closed ticket: 409); attach a ticket without a customer (an "
                   "unknown sender's mail) to its customer with customer_id (and contact_id) "
                   "— once: a ticket with a customer keeps it (409)"),
    _route("POST", f"{TICKET}/status", "change_ticket_status", args=(TICKET_ID, BODY),
           body="json", roles=WORKERS, request_schema="service_desk:StatusChange",
           response_schema="service_desk:Ticket", errors=(409,),
           summary="Move it along the status flow (closed is final; nothing goes back to new; "
                   "an illegal move: 409 naming the allowed ones)"),
    _route("GET", f"{TICKET}/entries", "list_ticket_entries", args=(TICKET_ID, QUERY),
           query="service_desk:PageQuery", roles=READERS,
           response_schema="service_desk:TicketEntry", response_page=True,
           summary="Its conversation, oldest first: public replies and internal notes"),
    _route("POST", f"{TICKET}/replies", "add_ticket_reply", args=(TICKET_ID, BODY),
           body="json", roles=WORKERS, status=201, request_schema="service_desk:ReplyCreate",
           response_schema="service_desk:TicketEntry", errors=(409,),
           summary="A public reply: the agent's (the first is the first response; a new ticket "
                   "opens) or the customer's (reopens a paused or resolved ticket); closed: 409"),
    _route("POST", f"{TICKET}/notes", "add_ticket_note", args=(TICKET_ID, BODY), body="json",
           roles=WORKERS, status=201, request_schema="service_desk:NoteCreate",
           response_schema="service_desk:TicketEntry", errors=(409,),
           summary="An internal note (changes no status)"),
    _route("GET", f"{TICKET}/history", "list_ticket_history", args=(TICKET_ID, QUERY),
           query="service_desk:PageQuery", roles=READERS,
           response_schema="service_desk:TicketChange", response_page=True,
           summary="Every change of the ticket, oldest first: what, from what to what, who, "
                   "when, why"),
    _route("POST", f"{TICKET}/merge", "merge_tickets", args=(TICKET_ID, BODY), body="json",
           roles=WORKERS, request_schema="service_desk:MergeRequest",
           response_schema="service_desk:Ticket", errors=(409,),
           summary="Merge this duplicate into another ticket of the same customer: its "
                   "conversation moves there, it is closed (answers the ticket that carries "
                   "on)"),
    # SLA (services/service_desk/sla): a ticket's clock; calendars and policies
    _route("GET", f"{TICKET}/sla", "get_ticket_sla", args=(TICKET_ID,), roles=READERS,
           response_schema="service_desk:TicketSlaState",
           summary="Its SLA clock as of now: first response, resolution and update targets "
                   "(business time allowed and consumed, due and 75 % warning instants, status "
                   "running / paused / fulfilled / breached), escalation"),
    Route("GET", f"{SLA}/calendars", "service_desk", "list_sla_calendars", tag=SLA_TAG,
          roles=READERS, response_schema="service_desk:Calendar", response_many=True,
          summary="The business-hours calendars (\"default\": Monday–Friday 09:00–18:00 in "
                  "SERVICE_DESK_SLA_TIME_ZONE until one is stored)"),
    Route("PUT", f"{SLA}/calendars/{{calendar_id}}", "service_desk", "set_sla_calendar",
          tag=SLA_TAG, args=(path("calendar_id"), BODY), body="json",
          roles=("support_manager",), request_schema="service_desk:CalendarInput",
          response_schema="service_desk:Calendar",
          summary="Create or replace a calendar: time zone, working periods per weekday, "
                  "holidays"),
    Route("GET", f"{SLA}/policies", "service_desk", "list_sla_policies", tag=SLA_TAG,
          roles=READERS, response_schema="service_desk:Policy", response_many=True,
          summary="The SLA targets per priority (defaults where none is stored), then the "
                  "value classes' own"),
    Route("POST", f"{SLA}/policies", "service_desk", "set_sla_policy", tag=SLA_TAG,
          args=(BODY,), body="json", roles=("support_manager",),
          request_schema="service_desk:PolicyInput", response_schema="service_desk:Policy",
          summary="Set the targets of a priority (or of a value class: only faster); tickets "
                  "created or re-prioritised afterwards get them"),
]

ROUTING = f"{API}/service-desk/routing"
AGENTS = f"{API}/service-desk/agents"
TEAM_ID, USER_ID = path("team_id"), path("user_id")
TAG_ROUTING = "service desk routing"
MANAGERS = ("support_manager",)


def _routing(method, url, rpc, **options):
    return Route(method, url, "service_desk", rpc, tag=TAG_ROUTING, **options)


ROUTES += [
    _routing("GET", f"{ROUTING}/rules", "get_routing_rules", roles=WORKERS,
             response_schema="service_desk:RoutingRules",
             summary="The routing rules, in order: a new ticket without a team goes to the team "
                     "of the first rule its category and / or channel match"),
    _routing("PUT", f"{ROUTING}/rules", "replace_routing_rules", args=(BODY,), body="json",
             roles=MANAGERS, request_schema="service_desk:RuleSet",
             response_schema="service_desk:RoutingRules",
             summary="Replace the routing rules (each matches a category, a channel or both)"),
    _routing("GET", f"{ROUTING}/teams/{{team_id}}", "get_team_routing", args=(TEAM_ID,),
             roles=WORKERS, response_schema="service_desk:TeamRouting",
             summary="How a team's new tickets get an agent (manual when never set) and whose "
                     "turn it is"),
    _routing("PUT", f"{ROUTING}/teams/{{team_id}}", "set_team_routing", args=(TEAM_ID, BODY),
             body="json", roles=MANAGERS, request_schema="service_desk:TeamRoutingSet",
             response_schema="service_desk:TeamRouting",
             summary="Set a team's mode: manual (its queue), round_robin or least_loaded (the "
                     "fewest unresolved tickets); agents who are away are skipped"),
    _routing("GET", AGENTS, "list_agents", args=(QUERY,), query="service_desk:AgentQuery",
             roles=WORKERS, response_schema="service_desk:Agent", response_page=True,
             summary="Agents and support managers (of a team), whether they are away and how "
                     "many unresolved tickets they hold; by id"),
    _routing("PUT", f"{AGENTS}/{{user_id}}/availability", "set_agent_availability",
             args=(USER_ID, BODY), body="json", roles=WORKERS,
             request_schema="service_desk:AvailabilitySet", response_schema="service_desk:Agent",
             summary="Mark an agent away (no new tickets routed to them) or back; an agent sets "
                     "only their own (403)"),
]

INBOUND_EMAIL = f"{API}/service-desk/inbound/email"


def inbound_email(gateway, request, call):
    """The provider's inbound webhook: its shared secret in X-Webhook-Secret (the service
    compares it; none configured refuses everything)."""
    return 200, gateway.services.call("service_desk", "receive_email", call.body,
                                      secret=request.headers.get("X-Webhook-Secret"))


ROUTES += [
    Route("POST", INBOUND_EMAIL, "service_desk", handler=inbound_email, body="json",
          public=True, tag="service desk email", errors=(401,),
          request_schema="service_desk:InboundEmail",
          response_schema="service_desk:InboundEmailResult",
          summary="A mail to the service desk as a raw RFC 5322 message (shared secret in "
                  "X-Webhook-Secret): a new ticket, or a customer's reply threaded onto its "
                  "ticket by In-Reply-To / References / the subject's [#T-<id>] (a sender "
                  "no customer or contact person has: a ticket without a customer, "
                  "`unmatched_sender`); the same Message-ID again changes nothing"),
]

# The knowledge base (services/service_desk/knowledge): agents and support managers write
# (drafts are theirs to see); they and sales reps read published articles, search them and
# say whether one helped. A draft out of a reader's sight is a 404.
KB = f"{API}/service-desk/knowledge"
ARTICLES = f"{KB}/articles"
ARTICLE = f"{ARTICLES}/{{article_id}}"
ARTICLE_ID = path("article_id")
TAG_KB = "service desk knowledge base"
KB_READERS = WORKERS + ("sales_rep",)


def _kb(method, url, rpc, **options):
    return Route(method, url, "service_desk", rpc, tag=TAG_KB, **options)


ROUTES += [
    _kb("GET", ARTICLES, "list_articles", args=(QUERY,), query="service_desk:ArticleQuery",
        roles=KB_READERS, response_schema="service_desk:Article", response_page=True,
        summary="Articles newest first, by status, category or tag (readers: published "
                "only)"),
    _kb("POST", ARTICLES, "create_article", args=(BODY,), body="json", roles=WORKERS,
        status=201, location=f"{ARTICLES}/{{id}}", request_schema="service_desk:ArticleCreate",
        response_schema="service_desk:Article",
        summary="Write an article (a draft): title, category, tags, Markdown body (rendered to "
                "safe HTML: raw HTML shown as text, unsafe links dropped)"),
    _kb("GET", f"{KB}/search", "search_articles", args=(QUERY,),
        query="service_desk:SearchQuery", roles=KB_READERS,
        response_schema="service_desk:ArticleHit", response_page=True,
        summary="Full-text search: every word must match (Chinese, Japanese, Korean by "
                "characters), best first; nothing to search for or too long: 422"),
    _kb("GET", f"{KB}/suggestions", "suggest_articles", args=(QUERY,),
        query="service_desk:SuggestionQuery", roles=WORKERS,
        response_schema="service_desk:ArticleHit", response_page=True, errors=(404,),
        summary="Published articles for a ticket, from its subject: the most words in common "
                "first (next_cursor is always null; a ticket the caller cannot see: 404)"),
    _kb("GET", ARTICLE, "get_article", args=(ARTICLE_ID,), roles=KB_READERS,
        response_schema="service_desk:Article", summary="One article"),
    _kb("PATCH", ARTICLE, "update_article", args=(ARTICLE_ID, BODY), body="json",
        roles=WORKERS, request_schema="service_desk:ArticleUpdate",
        response_schema="service_desk:Article",
        summary="Change its title, category, tags or body (re-rendered, re-indexed)"),
    _kb("POST", f"{ARTICLE}/status", "change_article_status", args=(ARTICLE_ID, BODY),
        body="json", roles=WORKERS, request_schema="service_desk:ArticleStatusChange",
        response_schema="service_desk:Article", errors=(409,),
        summary="Publish a draft or take a published article back to draft (already there: "
                "409)"),
    _kb("PUT", f"{ARTICLE}/feedback", "set_article_feedback", args=(ARTICLE_ID, BODY),
        body="json", roles=KB_READERS, request_schema="service_desk:FeedbackInput",
        response_schema="service_desk:Article", errors=(409,),
        summary="Was this helpful: the caller's yes / no (one per reader, changeable; a draft: "
                "409)"),
    _kb("POST", f"{ARTICLE}/solutions", "link_article_solution", args=(ARTICLE_ID, BODY),
        body="json", roles=WORKERS, request_schema="service_desk:SolutionLink",
        response_schema="service_desk:Solution", errors=(409,),
        summary="Link the article to a ticket as its solution (replaces the ticket's earlier "
                "one; a draft: 409); the ticket's history records it"),
]

# Satisfaction surveys (services/service_desk/surveys): the link mailed on a resolution is
# public (no login: the signed token in the path is the proof; forged: 404, expired: 410);
# the first answer wins (the same again: 200 as before; another: 409).
SURVEYS = f"{API}/service-desk/surveys"
TOKEN = path("token")
TAG_SURVEYS = "service desk surveys"

ROUTES += [
    Route("GET", f"{SURVEYS}/{{token}}", "service_desk", "get_survey", args=(TOKEN,),
          public=True, tag=TAG_SURVEYS, errors=(404, 410),
          response_schema="service_desk:PublicSurvey",
          summary="The satisfaction survey of a resolved ticket, from the mailed link: the "
                  "ticket's subject, whether it was answered and how"),
    Route("POST", f"{SURVEYS}/{{token}}", "service_desk", "answer_survey", args=(TOKEN, BODY),
          body="json", public=True, tag=TAG_SURVEYS, errors=(404, 409, 410),
          request_schema="service_desk:SurveyAnswer",
          response_schema="service_desk:PublicSurvey",
          summary="Answer it: a score 0–100 or 1–5 stars (scored 0, 25, 50, 75, 100) and a "
                  "comment; below SERVICE_DESK_SURVEY_SCORE_THRESHOLD it escalates to the "
                  "supervisor with a follow-up visit. The same answer again: 200, unchanged; "
                  "another: 409"),
    Route("GET", SURVEYS, "service_desk", "list_surveys", args=(QUERY,), tag=TAG_SURVEYS,
          query="service_desk:SurveyQuery", roles=READERS,
          response_schema="service_desk:Survey", response_page=True,
          summary="Surveys of the tickets the caller may see, newest first: by ticket, "
                  "customer, status, escalated"),
]

# Follow-up visits (回访, services/service_desk/followups): scheduled by a resolution
# (A-class customers) or a low survey score, or planned by hand; closed by their assignee or
# a support manager (another agent: 403; closed already: 409).
FOLLOWUPS = f"{API}/service-desk/followups"
FOLLOWUP = f"{FOLLOWUPS}/{{followup_id}}"
FOLLOWUP_ID = path("followup_id")
TAG_FOLLOWUPS = "service desk follow-ups"


def _followup(method, url, rpc, **options):
    return Route(method, url, "service_desk", rpc, tag=TAG_FOLLOWUPS, **options)


ROUTES += [
    _followup("GET", FOLLOWUPS, "list_followups", args=(QUERY,),
              query="service_desk:FollowupQuery", roles=READERS,
              response_schema="service_desk:Followup", response_page=True,
              summary="Follow-up visits of the tickets the caller may see (and their own), "
                      "newest first: by status, reason, assignee, ticket, customer, due before"),
    _followup("GET", FOLLOWUP, "get_followup", args=(FOLLOWUP_ID,), roles=READERS,
              response_schema="service_desk:Followup", summary="One follow-up visit"),
    _followup("POST", f"{TICKET}/followups", "create_followup", args=(TICKET_ID, BODY),
              body="json", roles=WORKERS, status=201, location=f"{FOLLOWUPS}/{{id}}",
              request_schema="service_desk:FollowupCreate",
              response_schema="service_desk:Followup", errors=(409,),
              summary="Plan a follow-up visit by hand for a resolved ticket (not resolved, or "
                      "no customer yet — an unknown sender's: 409): when, who (default the "
                      "ticket's agent), what about"),
    _followup("PATCH", FOLLOWUP, "update_followup", args=(FOLLOWUP_ID, BODY), body="json",
              roles=WORKERS, request_schema="service_desk:FollowupUpdate",
              response_schema="service_desk:Followup", errors=(409,),
              summary="Reassign it (an active agent of the ticket's team, a support manager or "
                      "admin), reschedule it or change its note — its assignee or a support "
                      "manager (else 403); completed or cancelled: 409"),
    _followup("POST", f"{FOLLOWUP}/complete", "complete_followup", args=(FOLLOWUP_ID, BODY),
              body="json", roles=WORKERS, request_schema="service_desk:FollowupComplete",
              response_schema="service_desk:Followup", errors=(409,),
              summary="Record the visit's outcome (its assignee or a support manager: else "
                      "403; completed or cancelled already: 409)"),
    _followup("POST", f"{FOLLOWUP}/cancel", "cancel_followup", args=(FOLLOWUP_ID, BODY),
              body="json", roles=WORKERS, request_schema="service_desk:FollowupCancel",
              response_schema="service_desk:Followup", errors=(409,),
              summary="Cancel the visit with a reason (its assignee or a support manager: "
                      "else 403; closed already: 409)"),
]
