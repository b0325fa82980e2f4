"""Signed, tamper-proof tracking tokens (itsdangerous: HMAC-SHA256 over compact JSON,
URL-safe). A token says what it is for — an open, a click on one URL, an unsubscribe — and for
whom (campaign, contact); each purpose has its own salt, so a token made for an open is no
click token. A token that does not verify is None: the caller answers 404 and records nothing.
Only the renderer signs click URLs (the template's own links), so a click can only ever be
redirected to a link a template contained: there is no open redirect."""
import functools

from itsdangerous import BadData, URLSafeSerializer

from services.marketing import settings

OPEN, CLICK, UNSUBSCRIBE = "open", "click", "unsubscribe"
PURPOSES = (OPEN, CLICK, UNSUBSCRIBE)
MAX_LENGTH = 4096


def _serializer(purpose):
    return _made(settings.tracking_secret(), purpose)


@functools.lru_cache(maxsize=16)
def _made(secret, purpose):
    """Made once per secret and purpose (a broadcast signs five tokens per email)."""
    return URLSafeSerializer(secret, salt=f"crm.marketing.{purpose}")


def sign(purpose, campaign_id, contact_id, url=None):
    """`campaign_id` None: the mail came from an automation rule, not a campaign."""
    data = {"c": campaign_id, "k": contact_id}
    if url is not None:
        data["u"] = url
    return _serializer(purpose).dumps(data)


def read(purpose, token):
    """{"campaign_id", "contact_id", "url"} or None (forged, altered, junk, wrong purpose)."""
    if not isinstance(token, str) or not token or len(token) > MAX_LENGTH:
        return None
    try:
        data = _serializer(purpose).loads(token)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("k"), str) \
            or not isinstance(data.get("c"), (str, type(None))):
        return None                     # no campaign: a mail an automation rule sent

    url = data.get("u")
    if purpose == CLICK and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        return None
    return {"campaign_id": data["c"], "contact_id": data["k"], "url": url}
