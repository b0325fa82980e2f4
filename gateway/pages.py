"""The few HTML pages people reach from a link in a mail (no login, no console): marketing's
unsubscribe page, the service desk's satisfaction survey. Self-contained — no script, no style
sheet or font from elsewhere (CSP `default-src 'none'`), forms post back to the same address —
and never cached or leaking the signed link as a referrer."""
import html

from werkzeug.wrappers import Response

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
STYLE = ("body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;"
         "line-height:1.5}fieldset{border:0;padding:0}label{display:block;margin:.3rem 0}"
         "textarea{width:100%}button{margin-top:1rem;padding:.5rem 1.5rem}")


def escape(text):
    return html.escape(str(text))


def page(title, body_html, status=200):
    """A page titled `title` around `body_html` (already escaped by the caller)."""
    body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<style>{STYLE}</style></head>'
            f'<body><main><h1>{escape(title)}</h1>{body_html}</main></body></html>')
    return Response(body, status=status, content_type="text/html; charset=utf-8", headers={
        **NO_STORE, "Content-Security-Policy":
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"})


def paragraph(text):
    return f"<p>{escape(text)}</p>"
