"""Structured JSON logs that carry the nameko call id, so one request can be followed across
services (`grep <call id>` over every service's log). Used via the LOGGING key of nameko's config.
"""
import json
import logging
import re
import threading
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

# Under eventlet's monkey patch this is green-thread local: one value per worker.
_local = threading.local()


MASK = "***"
# Query parameters that carry a credential (libpq's `?password=`, tokens in webhook URLs...).
_SECRET_PARAMETER = re.compile(r"(?i)([?&](?:password|passwd|pwd|token|secret|api_?key|access_token)=)[^&#]*")


def safe_url(url):
    """`url` fit for a log or a terminal: the password of its user info and the values of
    credential query parameters replaced by ***. Any scheme (postgresql+psycopg2://, amqp://,
    https://...); text that does not parse as a URL is returned unchanged. Everything that
    prints a database, broker or webhook URL goes through this."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, colon, _password = userinfo.partition(":")
        netloc = f"{user}:{MASK}@{host}" if colon else netloc
    masked = urlunsplit(parts._replace(netloc=netloc)) if netloc != parts.netloc else url
    return _SECRET_PARAMETER.sub(lambda match: match.group(1) + MASK, masked)


def bind_call_id(call_id):
    _local.call_id = call_id


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        call_id = getattr(_local, "call_id", None)
        if call_id:
            entry["call_id"] = call_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class ClientErrorsAreNotServerErrors(logging.Filter):
    """nameko logs every exception an entrypoint raises at ERROR with a traceback — a 422 for a
    typo in a request looked like a crash and buried the real ones. A domain error with a 4xx
    status is the caller's mistake, answered as designed: logged once at INFO, no traceback.
    5xx errors and unknown exceptions keep their level and their traceback."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        status = getattr(error, "http_status", 500)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def quiet_client_errors():
    """Installed on nameko's container logger (the one that reports worker exceptions) by the
    chassis at import, so it holds in every process — `nameko run` and tests alike."""
    logger = logging.getLogger("nameko.containers")
    if not any(isinstance(f, ClientErrorsAreNotServerErrors) for f in logger.filters):
        logger.addFilter(ClientErrorsAreNotServerErrors())
