"""marketing's own settings, one function each, read when called (not at import), so a changed
environment — or a test — takes effect. The README's configuration table lists them."""
from services.chassis.settings import env


def email_opt_in_required():
    """true: only a contact who explicitly subscribed is sent email (nothing recorded → not
    sendable); false (default): anyone with an address who did not unsubscribe and is not on
    do-not-contact."""
    return env.bool("MARKETING_EMAIL_OPT_IN_REQUIRED", False)
