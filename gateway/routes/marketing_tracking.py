"""Marketing's public tracking endpoints — the links in sent mail (no login: the signed token is
the proof; a forged or altered one is a 404 that records nothing): the open pixel, the click
redirect (only to the link the template had), the unsubscribe page and its one-click POST
(RFC 8058), and the inbound bounce / complaint webhook (shared secret in X-Webhook-Secret)."""
import base64

from werkzeug.wrappers import Response

from gateway import pages
from gateway.pages import NO_STORE
from gateway.routing import Route
from gateway.routes.marketing import MARKETING

TAG = "marketing tracking"
TRACK = f"{MARKETING}/t"
# The smallest transparent GIF (1×1).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _page(title, text, form=False):
    button = ('<form method="post"><button type="submit">Unsubscribe</button></form>'
              if form else "")
    return pages.page(title, pages.paragraph(text) + button)


def open_pixel(gateway, request, call):
    gateway.services.call("marketing", "track_open", call.path["token"])
    return 200, Response(PIXEL, status=200, content_type="image/gif", headers=NO_STORE)


def click(gateway, request, call):
    target = gateway.services.call("marketing", "track_click", call.path["token"])
    return 302, Response(status=302, headers={"Location": target, **NO_STORE})


def unsubscribe_page(gateway, request, call):
    """A link scanner fetching the link must not unsubscribe anyone: GET asks, POST does."""
    gateway.services.call("marketing", "check_unsubscribe_link", call.path["token"])
    return 200, _page("Unsubscribe", "Stop receiving marketing email from us?", form=True)


def unsubscribe(gateway, request, call):
    gateway.services.call("marketing", "unsubscribe", call.path["token"])
    return 200, _page("Unsubscribed", "You will receive no more marketing email from us.")


def inbound_report(gateway, request, call):
    return 200, gateway.services.call("marketing", "report_inbound_email", call.body,
                                      secret=request.headers.get("X-Webhook-Secret"))


ROUTES = [
    Route("GET", f"{TRACK}/open/{{token}}", "marketing", handler=open_pixel, public=True,
          produces="gif", tag=TAG, errors=(404,),
          summary="The open pixel of a sent mail (a 1×1 GIF); records the open"),
    Route("GET", f"{TRACK}/click/{{token}}", "marketing", handler=click, public=True,
          status=302, produces="redirect", tag=TAG, errors=(404,),
          summary="A link of a sent mail: records the click and redirects to the link the "
                  "template had (never anywhere else)"),
    Route("GET", f"{TRACK}/unsubscribe/{{token}}", "marketing", handler=unsubscribe_page,
          public=True, produces="html", tag=TAG, errors=(404,),
          summary="The unsubscribe page of a sent mail: asks; changes nothing"),
    Route("POST", f"{TRACK}/unsubscribe/{{token}}", "marketing", handler=unsubscribe,
          public=True, produces="html", tag=TAG, errors=(404,),
          summary="Unsubscribe from marketing email: the page's button, or a mail client's "
                  "RFC 8058 one-click POST (body List-Unsubscribe=One-Click)"),
    Route("POST", f"{MARKETING}/inbound/email-reports", "marketing", handler=inbound_report,
          body="json", public=True, tag=TAG, errors=(401,),
          request_schema="marketing:InboundReport",
          summary="An email provider's bounce or complaint for an address (shared secret in "
                  "X-Webhook-Secret): its contacts go on do-not-contact"),
]
