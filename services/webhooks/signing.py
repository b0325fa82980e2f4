"""Standard Webhooks signatures (https://www.standardwebhooks.com): secrets `whsec_<base64>`,
headers webhook-id / webhook-timestamp / webhook-signature ("v1,<base64 HMAC-SHA256 of
id.timestamp.body>"), made by the reference library so receivers verify with theirs."""
import base64
import secrets

from standardwebhooks.webhooks import Webhook

SECRET_BYTES = 24            # 192 bits, as the spec's examples (it asks for 24..64)


def new_secret():
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def headers(secret, webhook_id, timestamp, body):
    """The three signature headers for `body` (the exact text sent) at `timestamp` (aware)."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, timestamp, body),
    }
