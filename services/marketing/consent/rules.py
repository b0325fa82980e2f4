"""Whether a contact may be sent to on a channel — the one rule every sender asks, whatever a
segment or an automation rule says (issue 11 §2):

- no address for the channel → never (marketing knows email addresses only: a customer's own
  and a contact person's, from customers' contact_added; customers publishes no phones or
  postal addresses);
- do_not_contact or unsubscribed → never;
- subscribed → yes;
- nothing recorded → yes, unless MARKETING_EMAIL_OPT_IN_REQUIRED (explicit opt-in only).
"""
from services.marketing import settings
from services.marketing.consent.models import DO_NOT_CONTACT, SUBSCRIBED, UNSUBSCRIBED


def address(profile, channel):
    """The contact's address on `channel`, or None."""
    if channel != "email":
        return None
    return profile.get("email") or None


def sendable(profile, channel, status):
    """`profile`: the contact's (audience/profile.py); `status`: its consent on the channel
    (None: nothing recorded)."""
    if not address(profile, channel) or status in (DO_NOT_CONTACT, UNSUBSCRIBED):
        return False
    return status == SUBSCRIBED or not settings.email_opt_in_required()
