"""The schemas of the service desk's RPC inputs and outputs, by name: the gateway's routes and
OpenAPI document resolve "service_desk:Ticket", ... here (gateway/routing.py)."""
from services.service_desk.sla.schemas import (Calendar, CalendarInput, Policy,  # noqa: F401
                                               PolicyInput, TicketSlaState)
from services.service_desk.tickets.schemas import (MergeRequest, NoteCreate, PageQuery,  # noqa: F401
                                                   ReplyCreate, StatusChange, Ticket,
                                                   TicketChange, TicketCreate, TicketEntry,
                                                   TicketQuery, TicketUpdate)
from services.service_desk.knowledge.schemas import (Article, ArticleCreate,  # noqa: F401
                                                     ArticleHit, ArticleQuery,
                                                     ArticleStatusChange, ArticleUpdate,
                                                     FeedbackInput, SearchQuery, Solution,
                                                     SolutionLink, SuggestionQuery)
from services.service_desk.routing.schemas import (Agent, AgentQuery,  # noqa: F401
                                                   AvailabilitySet, RoutingRules, RuleSet,
                                                   TeamRouting, TeamRoutingSet)
from services.service_desk.email_channel.schemas import (InboundEmail,  # noqa: F401
                                                         InboundEmailResult)
from services.service_desk.surveys.schemas import (PublicSurvey, Survey,  # noqa: F401
                                                   SurveyAnswer, SurveyPageAnswer,
                                                   SurveyQuery)
from services.service_desk.followups.schemas import (Followup, FollowupCancel,  # noqa: F401
                                                     FollowupComplete, FollowupCreate,
                                                     FollowupQuery, FollowupUpdate)
