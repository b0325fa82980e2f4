"""The service desk database's metadata: every area's tables on one Base (the migrations'
env.py and ServiceDeskService's Database read `Base.metadata`)."""
from services.service_desk.base import Base  # noqa: F401
from services.service_desk.directory.models import DeskContact, DeskCustomer, UserCopy  # noqa: F401
from services.service_desk.tickets.models import Ticket, TicketChange, TicketEntry  # noqa: F401
from services.service_desk.routing.models import (AgentAvailability, RoutingRule,  # noqa: F401
                                                  TeamRouting)
from services.service_desk.knowledge.models import (Article, ArticleFeedback,  # noqa: F401
                                                    ArticleToken, TicketSolution)
from services.service_desk.sla.models import SlaAlarm, SlaCalendar, SlaPolicyRow, TicketSla  # noqa: F401
from services.service_desk.email_channel.models import TicketMail  # noqa: F401
from services.service_desk.surveys.models import TicketSurvey  # noqa: F401
from services.service_desk.followups.models import TicketFollowup  # noqa: F401
