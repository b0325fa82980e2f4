"""Structured JSON logs that carry the nameko call id, so one request can be followed across
services (`grep <call id>` over every service's log). Used via the LOGGING key of nameko's config.
"""
import json
import logging
import threading
from datetime import datetime, timezone

# Under eventlet's monkey patch this is green-thread local: one value per worker.
_local = threading.local()


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
