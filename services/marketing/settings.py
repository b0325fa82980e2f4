"""marketing's own settings, one function each, read when called (not at import), so a changed
environment — or a test — takes effect. The README's configuration table lists them."""
from services.chassis.settings import env


def segment_recheck_seconds():
    """How often the contacts whose relative-date segment rule reached its edge are looked at
    again (only those: audience_contact.recheck_at)."""
    return env.float("MARKETING_SEGMENT_RECHECK_SECONDS", 60.0)


def segment_backfill_seconds():
    """How often a new or redefined segment's evaluation over every contact is carried on
    (segments/backfill.py); each round runs chunks until none is left or the round's time is up."""
    return env.float("MARKETING_SEGMENT_BACKFILL_SECONDS", 1.0)


def segment_backfill_chunk():
    """Contacts per backfill chunk: one short transaction each, holding their customers' rows
    and the segment catalog shared (an event touching one of them waits at most that long)."""
    return env.int("MARKETING_SEGMENT_BACKFILL_CHUNK", 1000)


def list_import_max_rows():
    """Most rows of one CSV file put on a static list."""
    return env.int("MARKETING_LIST_IMPORT_MAX_ROWS", 10_000)


def email_opt_in_required():
    """true: only a contact who explicitly subscribed is sent email (nothing recorded → not
    sendable); false (default): anyone with an address who did not unsubscribe and is not on
    do-not-contact."""
    return env.bool("MARKETING_EMAIL_OPT_IN_REQUIRED", False)


def campaign_check_seconds():
    """How often scheduled campaigns whose start came are started, and running ones whose end
    came are completed."""
    return env.float("MARKETING_CAMPAIGN_CHECK_SECONDS", 30.0)


def automation_tick_seconds():
    """How often the automation runs that are due (at once or after their delay) are fired."""
    return env.float("MARKETING_AUTOMATION_TICK_SECONDS", 1.0)


def automation_max_depth():
    """Loop protection: an event caused by this many rule actions in a row triggers no rule
    (automation/causation.py)."""
    return env.int("MARKETING_AUTOMATION_MAX_DEPTH", 3)


def automation_max_attempts():
    """How often a run is tried while a service is unavailable (or its customer not yet known)
    before it is logged as failed."""
    return env.int("MARKETING_AUTOMATION_MAX_ATTEMPTS", 8)


def automation_retry_seconds():
    """The first wait before a run is tried again; doubled each time, at most an hour."""
    return env.float("MARKETING_AUTOMATION_RETRY_SECONDS", 30.0)


def form_responses_per_hour():
    """Most responses one sender address may send to one campaign's public form in an hour
    (more: 429 with Retry-After)."""
    return env.int("MARKETING_FORM_RESPONSES_PER_HOUR", 5)


def form_sender_key():
    """The key of the sender-address hash (the address itself is not kept)."""
    return env.str("MARKETING_FORM_SENDER_KEY", "dev-form-sender-key-change-me")


def tracking_secret():
    """The key tracking tokens (open, click, unsubscribe links) are signed with; changing it
    voids the links in every mail already sent."""
    return env.str("MARKETING_TRACKING_SECRET", "dev-tracking-secret-change-me")


def tracking_base_url():
    """The gateway's public address as recipients reach it: tracking and unsubscribe links in
    sent mail start with it."""
    return env.str("MARKETING_TRACKING_BASE_URL", "http://localhost:8000")


def inbound_webhook_secret():
    """The shared secret an email provider's bounce / complaint webhook sends (header
    X-Webhook-Secret); empty: the webhook refuses everything."""
    return env.str("MARKETING_INBOUND_WEBHOOK_SECRET", "")


def send_batch_size():
    """Recipients per batch of a broadcast (one RabbitMQ message, one SMTP session)."""
    return env.int("MARKETING_SEND_BATCH_SIZE", 100)


def send_rate_per_second():
    """Emails a broadcast releases per second at most, over every replica (0: no limit)."""
    return env.float("MARKETING_SEND_RATE_PER_SECOND", 50.0)


def send_tick_seconds():
    """How often broadcasts release batches, resume after an SMTP outage, and take back
    batches whose worker vanished."""
    return env.float("MARKETING_SEND_TICK_SECONDS", 1.0)


def send_lease_seconds():
    """A released batch not done after this is released again; a recipient claimed this long
    ago by a worker that vanished is sent again (with the same Message-ID)."""
    return env.float("MARKETING_SEND_LEASE_SECONDS", 120.0)


def send_retry_seconds():
    """(first, most) seconds a broadcast waits after the SMTP server failed transiently;
    doubled after each further failure."""
    return (env.float("MARKETING_SEND_RETRY_SECONDS", 5.0),
            env.float("MARKETING_SEND_RETRY_MAX_SECONDS", 300.0))


def frequency_cap():
    """(emails, days): a contact is sent at most this many campaign emails in this many days
    (0 emails: no cap); one more is skipped (`frequency_cap`)."""
    return (env.int("MARKETING_FREQUENCY_CAP", 3), env.int("MARKETING_FREQUENCY_CAP_DAYS", 7))
