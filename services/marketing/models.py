"""The marketing database's metadata: every area's tables on one Base (the migrations' env.py
and MarketingService's Database read `Base.metadata`)."""
from services.marketing.attribution.models import CampaignAttribution, CampaignLead  # noqa: F401
from services.marketing.audience.models import (AudienceContact, AudienceCustomer,  # noqa: F401
                                                AudiencePurchase)
from services.marketing.automation.models import AutomationRule, AutomationRun  # noqa: F401
from services.marketing.base import Base  # noqa: F401
from services.marketing.campaigns.models import Campaign, CampaignCost  # noqa: F401
from services.marketing.consent.models import Consent, ConsentChange  # noqa: F401
from services.marketing.responses.models import CampaignResponse  # noqa: F401
from services.marketing.sending.models import (CampaignRecipient, CampaignSend,  # noqa: F401
                                               CampaignSendBatch)
from services.marketing.segments.models import (Segment, SegmentBackfill, SegmentMember,  # noqa: F401
                                                SegmentMembershipChange, SegmentStaticMember)
from services.marketing.templates.models import EmailTemplate  # noqa: F401
from services.marketing.tracking.models import EmailEngagement, EmailEngagementFirst  # noqa: F401
