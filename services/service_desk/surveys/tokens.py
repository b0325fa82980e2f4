"""Signed survey links (itsdangerous: HMAC-SHA256 over compact JSON, URL-safe, with a salt of
their own, as marketing's tracking tokens). The token names the survey only; whether it may
still be answered is the survey's row (`expires_at`), so expiry follows the service's clock and
a test's fixed one. A token that does not verify is None: the caller answers 404 and records
nothing."""
from itsdangerous import BadData, URLSafeSerializer

from services.service_desk import settings

MAX_LENGTH = 512
SALT = "crm.service_desk.survey"


def _serializer():
    return URLSafeSerializer(settings.survey_secret(), salt=SALT)


def sign(survey_id):
    return _serializer().dumps({"s": survey_id})


def read(token):
    """The survey id, or None (forged, altered, junk, another purpose's token)."""
    if not isinstance(token, str) or not token or len(token) > MAX_LENGTH:
        return None
    try:
        data = _serializer().loads(token)
    except BadData:
        return None
    survey_id = data.get("s") if isinstance(data, dict) else None
    return survey_id if isinstance(survey_id, str) and 0 < len(survey_id) <= 36 else None


def link(survey_id):
    """The survey's page (gateway/routes/service_desk_survey_page.py): the customer's way in."""
    base = settings.survey_base_url().rstrip("/")
    return f"{base}/api/v1/service-desk/surveys/{sign(survey_id)}/page"
