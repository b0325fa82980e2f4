"""A real HTTP receiver for webhook tests: a small server on a free local port that answers 500
to its first `fail_first` requests (or to all, with `fail_always`), 204 after, and verifies
every request's signature with the standardwebhooks library — what a subscriber would run."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, fail_first=0, fail_always=False):
        self.fail_first, self.fail_always = fail_first, fail_always
        self.secret = None
        self.requests = []          # {"id", "status", "verified", "body"} in arrival order
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                status = receiver._answer(dict(self.headers), body)
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _answer(self, headers, body):
        try:
            Webhook(self.secret).verify(body, headers)
            verified = True
        except WebhookVerificationError:
            verified = False
        with self.lock:
            failing = self.fail_always or len(self.requests) < self.fail_first
            status = 500 if failing or not verified else 204
            self.requests.append({"id": headers.get("webhook-id") or headers.get("Webhook-Id"),
                                  "status": status, "verified": verified,
                                  "body": json.loads(body)})
        return status

    def succeeded_ids(self):
        with self.lock:
            return [r["id"] for r in self.requests if r["status"] == 204]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
