"""marketing's own settings, one function each, read when called (not at import), so a changed
environment — or a test — takes effect. The README's configuration table lists them."""
from services.chassis.settings import env


def segment_recheck_seconds():
    """How often the contacts whose relative-date segment rule reached its edge are looked at
    again (only those: audience_contact.recheck_at)."""
    return env.float("MARKETING_SEGMENT_RECHECK_SECONDS", 60.0)


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
