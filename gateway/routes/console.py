"""The web console's page and files (gateway/console/), public like /docs: the page itself
holds no data; everything it shows comes from /api/v1 with the user's token."""
from gateway import console
from gateway.routing import Route

TAG = "console"

ROUTES = [
    Route("GET", "/console", handler=console.page, public=True, produces="html", tag=TAG,
          summary="The web console (English / 简体中文); served locally, works offline"),
    Route("GET", "/console/{folder}/{name}", handler=console.asset, public=True, hidden=True,
          limited=False, tag=TAG),
]
