"""What a sent email carries for tracking, for one (campaign, contact): the open pixel, its
links rewritten to signed click URLs, and the contact's own unsubscribe URL (in the body and
the RFC 8058 List-Unsubscribe headers). URLs are absolute, on the gateway's public address
(MARKETING_TRACKING_BASE_URL)."""
import html
import re

from services.marketing import settings
from services.marketing.tracking import tokens

PATH = "/api/v1/marketing/t"
# href="http(s)://…" in rendered (autoescaped) HTML; mailto:, tel: and anchors are left alone
_HREF = re.compile(r'(<a\b[^>]*?\bhref\s*=\s*)(["\'])(https?://[^"\']+)\2', re.IGNORECASE)


def _url(purpose, token):
    return f"{settings.tracking_base_url().rstrip('/')}{PATH}/{purpose}/{token}"


def unsubscribe_url(campaign_id, contact_id):
    return _url(tokens.UNSUBSCRIBE, tokens.sign(tokens.UNSUBSCRIBE, campaign_id, contact_id))


def open_url(campaign_id, contact_id):
    return _url(tokens.OPEN, tokens.sign(tokens.OPEN, campaign_id, contact_id))


def click_url(campaign_id, contact_id, url):
    return _url(tokens.CLICK, tokens.sign(tokens.CLICK, campaign_id, contact_id, url))


def tracked_html(body, campaign_id, contact_id):
    """The rendered HTML with every http(s) link a signed click URL (except the unsubscribe
    link) and the open pixel at the end."""
    unsubscribe = unsubscribe_url(campaign_id, contact_id)

    def rewrite(match):
        target = html.unescape(match.group(3))
        if target == unsubscribe:
            return match.group(0)
        tracked = html.escape(click_url(campaign_id, contact_id, target), quote=True)
        return f"{match.group(1)}{match.group(2)}{tracked}{match.group(2)}"
    pixel = (f'<img src="{html.escape(open_url(campaign_id, contact_id), quote=True)}" '
             'width="1" height="1" alt="" style="display:none">')
    rewritten = _HREF.sub(rewrite, body)
    closing = rewritten.lower().rfind("</body>")
    if closing < 0:
        return rewritten + pixel
    return rewritten[:closing] + pixel + rewritten[closing:]


def unsubscribe_headers(campaign_id, contact_id):
    """RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` to the URL."""
    return {"List-Unsubscribe": f"<{unsubscribe_url(campaign_id, contact_id)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
