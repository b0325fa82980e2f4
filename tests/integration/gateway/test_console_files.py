"""The web console's page and files (gateway/console/): served from this origin only, under a
strict Content-Security-Policy, every module the page imports found, nothing else reachable."""
import re

from tests.integration.gateway.support import assert_problem

REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
IMPORT = re.compile(r"""^import .* from "\./([\w-]+\.js)";$""", re.M)
TYPES = {"js": "text/javascript", "css": "text/css", "json": "application/json"}


def test_the_page_and_its_files_are_local_under_a_strict_policy(client):
    page = client.get("/console")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    policy = page.headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "script-src 'self'", "connect-src 'self'",
                      "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in policy, policy
    assert not re.search(r"https?:|//|\*|unsafe", policy), policy
    assert client.get("/console/").text == page.text
    assert "<script>" not in page.text and "style=" not in page.text     # nothing inline
    seen, queue = set(), [url for url in REFERENCE.findall(page.text) if url != "data:,"]  # no favicon
    assert "/console/js/app.js" in queue
    while queue:                         # the page's files, then every module they import
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        assert url.startswith("/console/"), f"{url} is not served by the console"
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["Content-Type"].startswith(TYPES[url.rsplit(".", 1)[-1]]), url
        assert asset.headers["Content-Security-Policy"] == policy
        if url.endswith(".js"):
            # web storage holds the chosen language only; no cookie is written (the token
            # stays in memory, js/api.js)
            assert set(re.findall(r"(?:local|session)Storage\.\w+\([^)]*", asset.text)) <= {
                "localStorage.getItem(STORAGE_KEY", "localStorage.setItem(STORAGE_KEY, language"}
            assert "document.cookie" not in asset.text
            assert ".innerHTML" not in asset.text, f"{url} builds HTML from strings"
            queue += [f"/console/js/{name}" for name in IMPORT.findall(asset.text)]
    assert len(seen) >= 10, seen
    for language in ("en", "zh-CN"):
        assert client.get(f"/console/i18n/{language}.json").json()["nav.customers"]


def test_a_file_not_changed_is_not_sent_again(client):
    first = client.get("/console/js/app.js")
    again = client.get("/console/js/app.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.content


def test_nothing_outside_the_console_folders_is_served(client):
    for url in ("/console/js/missing.js", "/console/static/index.html", "/console/js/..%2Fapp.js",
                "/console/js/.hidden.js", "/console/i18n/en.py", "/console/..%2F__init__.py/x",
                "/console/css/..%2F..%2F__init__.py"):
        assert_problem(client.get(url), 404)
