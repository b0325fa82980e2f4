"""A real SMTP server for the tests (aiosmtpd), in a process of its own — so it runs its own
asyncio loop away from the tests' eventlet monkey patch, can be stopped and started again on
the same port (an SMTP outage), and is reachable by the services of an e2e system too.

    python -m tests.smtp_server DIRECTORY --port N [--starttls | --tls] [--auth USER:PASSWORD]

Every accepted message is written to DIRECTORY/mail/<n>.json ({mail_from, rcpt_tos, data}),
atomically, in arrival order. DIRECTORY/rules.json, read at each RCPT TO, says which recipients
to refuse: {"address": "550 5.1.1 User unknown", "other": "421 4.3.0 Try later"} — the reply is
given as is. While DIRECTORY/hold exists, DATA is not answered (at most HOLD_SECONDS): a mail
held at the server, its sender waiting for the reply. DIRECTORY/port holds the bound port once
it listens.

`SmtpServer` is the tests' handle on it (the `smtp_server` fixture in tests/conftest.py).
"""
import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import ssl
import subprocess
import sys
from pathlib import Path

TLS_SUBJECT = "/CN=localhost"
HOLD_SECONDS = 60


# --- the server process ---------------------------------------------------------------------

try:
    from aiosmtpd.smtp import LoginPassword
except ImportError:          # only the server process needs aiosmtpd; the tests' handle does not
    LoginPassword = ()


class Recorder:
    def __init__(self, directory):
        self.directory = Path(directory)
        (self.directory / "mail").mkdir(parents=True, exist_ok=True)
        self.counter = itertools.count(len(list((self.directory / "mail").glob("*.json"))) + 1)

    def _rules(self):
        try:
            return json.loads((self.directory / "rules.json").read_text())
        except (OSError, ValueError):
            return {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self._rules().get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        loop = asyncio.get_running_loop()
        until = loop.time() + HOLD_SECONDS
        while (self.directory / "hold").exists() and loop.time() < until:
            await asyncio.sleep(0.02)
        number = next(self.counter)
        record = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                  "data": envelope.original_content.decode("utf-8", "replace"),
                  "authenticated_as": session.auth_data.login.decode()
                  if isinstance(getattr(session, "auth_data", None), LoginPassword) else None}
        final = self.directory / "mail" / f"{number:08d}.json"
        partial = final.with_suffix(".tmp")
        partial.write_text(json.dumps(record))
        os.replace(partial, final)
        return "250 Message accepted for delivery"


def _authenticator(user, password):
    from aiosmtpd.smtp import AuthResult

    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(), auth_data.password.decode()) == (user, password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return check


def main(argv=None):
    from aiosmtpd.smtp import SMTP

    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--tls", action="store_true", help="implicit TLS (SMTPS)")
    parser.add_argument("--auth")
    options = parser.parse_args(argv)
    directory = Path(options.directory)
    context = None
    if options.starttls or options.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(directory / "cert.pem", directory / "key.pem")
    recorder = Recorder(directory)
    auth = {}
    if options.auth:
        user, _, password = options.auth.partition(":")
        auth = {"authenticator": _authenticator(user, password), "auth_required": True,
                "auth_require_tls": options.starttls}   # implicit TLS: aiosmtpd cannot tell

    def protocol():
        return SMTP(recorder, hostname="localhost", require_starttls=options.starttls,
                    tls_context=context if options.starttls else None, **auth)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(
        protocol, "127.0.0.1", options.port, ssl=context if options.tls else None,
        reuse_address=True))
    partial = directory / "port.tmp"
    partial.write_text(str(server.sockets[0].getsockname()[1]))
    os.replace(partial, directory / "port")
    loop.run_forever()


# --- the tests' handle ----------------------------------------------------------------------

class SmtpServer:
    """Start / stop the server process, tell it whom to refuse, read what it received."""

    def __init__(self, directory, security="none", auth=None):
        self.directory, self.security, self.auth = Path(directory), security, auth
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process, self.port = None, None
        if security != "none":
            make_certificate(self.directory)

    @property
    def ca_file(self):
        return str(self.directory / "cert.pem") if self.security != "none" else None

    def start(self, port=None):
        """Listens on `port` (default: the one it had, else a free one) before returning."""
        from tests.helpers import free_port, wait_until
        self.port = port or self.port or free_port()
        (self.directory / "port").unlink(missing_ok=True)
        command = [sys.executable, "-m", "tests.smtp_server", str(self.directory),
                   "--port", str(self.port)]
        command += {"starttls": ["--starttls"], "tls": ["--tls"]}.get(self.security, [])
        if self.auth:
            command += ["--auth", ":".join(self.auth)]
        root = Path(__file__).resolve().parents[1]
        self.process = subprocess.Popen(command, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
        wait_until(lambda: (self.directory / "port").exists() or self.process.poll() is not None,
                   timeout=20, message="the SMTP server listening")
        if self.process.poll() is not None:
            raise RuntimeError(f"the SMTP server exited with {self.process.returncode}")
        return self

    def stop(self):
        """Gone: connections are refused until `start()` again (same port)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def refuse(self, address, reply="550 5.1.1 User unknown"):
        """RCPT TO `address` gets `reply` from now on (a 4xx: temporarily; a 5xx: for good)."""
        rules = self._rules()
        rules[address.lower()] = reply
        self._write_rules(rules)

    def accept(self, address=None):
        """Stop refusing `address` (or everyone)."""
        rules = self._rules() if address else {}
        rules.pop((address or "").lower(), None)
        self._write_rules(rules)

    def hold(self):
        """DATA is not answered from now on until `release()`: mails wait at the server."""
        (self.directory / "hold").touch()

    def release(self):
        (self.directory / "hold").unlink(missing_ok=True)

    def _rules(self):
        path = self.directory / "rules.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def _write_rules(self, rules):
        partial = self.directory / "rules.tmp"
        partial.write_text(json.dumps(rules))
        os.replace(partial, self.directory / "rules.json")

    def received(self):
        """[(envelope dict, parsed EmailMessage)] in arrival order."""
        found = []
        for path in sorted((self.directory / "mail").glob("*.json")):
            record = json.loads(path.read_text())
            found.append((record, email.message_from_string(record["data"].replace("\r\n", "\n"),
                                                            policy=email.policy.default)))
        return found

    def messages_to(self, address):
        return [message for record, message in self.received()
                if address.lower() in (r.lower() for r in record["rcpt_tos"])]

    def wait_for(self, count, timeout=20):
        from tests.helpers import wait_until
        return wait_until(lambda: self.received() if len(self.received()) >= count else None,
                          timeout=timeout, message=f"{count} message(s) at the SMTP server")

    def environment(self, username=None, password=None):
        """The SMTP_* settings that reach this server."""
        values = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port),
                  "SMTP_SECURITY": self.security, "SMTP_TIMEOUT_SECONDS": "5"}
        if self.ca_file:
            values["SMTP_CA_FILE"] = self.ca_file
        if username:
            values.update(SMTP_USERNAME=username, SMTP_PASSWORD=password or "")
        return values


def make_certificate(directory):
    """A self-signed certificate for localhost / 127.0.0.1 (openssl, made at test time)."""
    directory = Path(directory)
    if (directory / "cert.pem").exists():
        return
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem"),
                    "-subj", TLS_SUBJECT, "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)


if __name__ == "__main__":
    main()
