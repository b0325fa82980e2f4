"""The schemas of marketing's RPC inputs and outputs, by name: the gateway's routes and OpenAPI
document resolve "marketing:AudienceMember", ... here (gateway/routing.py)."""
from services.marketing.audience.schemas import AudienceMember, AudienceQuery  # noqa: F401
from services.marketing.automation.schemas import (AutomationCatalogue,  # noqa: F401
                                                   AutomationRule, AutomationRuleCreate,
                                                   AutomationRuleQuery, AutomationRuleUpdate,
                                                   AutomationRun, AutomationRunQuery)
from services.marketing.campaigns.schemas import (Campaign, CampaignAudience,  # noqa: F401
                                                  CampaignResults,
                                                  CampaignCreate, CampaignQuery,
                                                  CampaignTransition, CampaignUpdate, Cost,
                                                  CostCreate, CostQuery)
from services.marketing.consent.schemas import (ConsentChange, ConsentHistoryQuery,  # noqa: F401
                                                ConsentSet, ContactConsent)
from services.marketing.responses.schemas import (FormAccepted, FormResponse,  # noqa: F401
                                                  ManualResponse, Response, ResponseQuery)
from services.marketing.segments.schemas import (GroupSegmentRequest, MembershipChange,  # noqa: F401
                                                 MembershipQuery, Segment, SegmentCreate,
                                                 SegmentQuery, SegmentUpdate, StaticMembers,
                                                 StaticResult)
from services.marketing.sending.schemas import (CampaignSend, Recipient,  # noqa: F401
                                                RecipientQuery, SendStart)
from services.marketing.templates.schemas import (EmailTemplate, PreviewQuery,  # noqa: F401
                                                  RenderedEmail, TemplateCreate, TemplateQuery,
                                                  TemplateUpdate, TestSend, TestSent)
from services.marketing.tracking.schemas import InboundReport  # noqa: F401
