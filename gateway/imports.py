"""POST /customers/imports: the CSV body streamed to customers part by part (issue 15 §5).

The body is read in PART_BYTES chunks; each, decoded (a UTF-8 character cut by the chunk
boundary waits for the next), goes to customers' `append_import` as soon as it is read, so
neither process holds more than one part of a file of any size (up to IMPORT_MAX_BYTES). The
client still makes one POST and gets one answer: 202 and the job, or the 4xx of the first thing
wrong — after which the job is aborted ("failed", with the reason), never left half-claimable;
that problem document carries the job's `import_id` (GET /customers/imports/{import_id}).

An Idempotency-Key goes with `close_import`, the step that makes the job claimable; its
fingerprint is the method, target and a SHA-256 of the body as it streamed by. A retry that
finds the key answered gets the first job, and the job its own parts opened is aborted.
"""
import codecs
import hashlib
import logging

from gateway import parsing
from gateway.pipeline import request_target
from gateway.problems import HttpProblem, problem_members
from services.chassis import idempotency
from services.chassis.errors import CrmError

log = logging.getLogger(__name__)
PART_BYTES = 1024 * 1024


def _read_part(stream):
    """Up to PART_BYTES (the WSGI input may answer less per read); b"" at the end."""
    pieces, size = [], 0
    try:
        while size < PART_BYTES:
            piece = stream.read(PART_BYTES - size)
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
    except (OSError, ValueError):       # the client went away, or a broken chunked encoding
        raise HttpProblem(400, "The request body could not be read to its end.", "upload_broken")
    return b"".join(pieces)


def _decode(decoder, data, final=False):
    try:
        return decoder.decode(data, final)
    except UnicodeDecodeError:
        raise HttpProblem(400, "The request body is not valid UTF-8.", "malformed_text")


def _reason(exc):
    if isinstance(exc, CrmError) and exc.details:
        return "; ".join(f"{field}: {' '.join(map(str, messages))}" if isinstance(messages, list)
                         else f"{field}: {messages}" for field, messages in exc.details.items())
    message = getattr(exc, "message", None) or getattr(exc, "detail", None)   # CrmError, HttpProblem
    return message or f"The upload broke off ({type(exc).__name__})."


def upload(gateway, request, call):
    limit = gateway.runtime.settings.import_max_bytes
    stream = request.environ["wsgi.input"]
    part = _read_part(stream)
    if not part:
        raise HttpProblem(400, "The request body is empty.")
    key = idempotency.parse_key(request.headers.get(idempotency.HEADER))
    services = gateway.services
    job_id = services.call("customers", "open_import")["id"]
    try:
        answer = _stream(services, job_id, stream, part, limit, request, key)
    except Exception as exc:
        _abort(services, job_id, _reason(exc))
        # the job stays, failed with the reason: its id lets the client fetch it
        raise problem_members(exc, import_id=job_id)
    if answer["id"] != job_id:          # the key's first request answered: this one is void
        _abort(services, job_id, f"A repeat of import {answer['id']} (same {idempotency.HEADER}).")
    return 202, answer


def _stream(services, job_id, stream, part, limit, request, key):
    decoder, digest, size, number = codecs.getincrementaldecoder("utf-8")(), hashlib.sha256(), 0, 0
    while part:
        size += len(part)
        if size > limit:
            raise parsing.too_large(request.environ, limit)
        digest.update(part)
        number += 1
        services.call("customers", "append_import", job_id, number, _decode(decoder, part))
        part = _read_part(stream)
    tail = _decode(decoder, b"", final=True)
    if tail:                            # cannot happen for UTF-8, whose decoder raises instead
        services.call("customers", "append_import", job_id, number + 1, tail)
    once = None if key is None else idempotency.Idempotency(key, idempotency.fingerprint(
        request.method.upper(), request_target(request), "sha256:" + digest.hexdigest()))
    return services.call("customers", "close_import", job_id, idempotency=once)


def _abort(services, job_id, reason):
    try:
        services.call("customers", "abort_import", job_id, reason)
    except Exception:               # the job stays "uploading", which no runner claims
        log.exception("import %s: could not be marked failed (%s)", job_id, reason)
