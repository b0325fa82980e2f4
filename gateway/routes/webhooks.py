"""Webhooks (admin only): subscriptions to domain event types, their delivery log, replays.
The secret is in the answer of create and rotate only (Standard Webhooks `whsec_…`)."""
from gateway.routing import BODY, QUERY, Route, path
from gateway.settings import API_PREFIX as API

TAG = "webhooks"
ADMIN = ("admin",)
SUBSCRIPTIONS = f"{API}/webhooks/subscriptions"
ONE, ONE_ID = f"{SUBSCRIPTIONS}/{{subscription_id}}", path("subscription_id")


def _route(method, url, rpc, **options):
    return Route(method, url, "webhooks", rpc, roles=ADMIN, tag=TAG, **options)


ROUTES = [
    _route("GET", f"{API}/webhooks/event-types", "list_event_types",
           response_schema="webhooks:EventType", response_many=True,
           summary="The domain event types a subscription can ask for, and their producer"),
    _route("GET", SUBSCRIPTIONS, "list_subscriptions", args=(QUERY,),
           query="webhooks:SubscriptionQuery", response_schema="webhooks:Subscription",
           response_page=True, summary="Webhook subscriptions, newest first"),
    _route("POST", SUBSCRIPTIONS, "create_subscription", args=(BODY,), body="json", status=201,
           location=f"{SUBSCRIPTIONS}/{{id}}", request_schema="webhooks:SubscriptionCreate",
           response_schema="webhooks:SubscriptionWithSecret",
           summary="Subscribe a URL to event types; the signing secret is shown only here"),
    _route("GET", ONE, "get_subscription", args=(ONE_ID,),
           response_schema="webhooks:Subscription", summary="A webhook subscription"),
    _route("PATCH", ONE, "update_subscription", args=(ONE_ID, BODY), body="json",
           request_schema="webhooks:SubscriptionUpdate", response_schema="webhooks:Subscription",
           summary="Change a subscription's URL, event types or description; partial"),
    _route("POST", f"{ONE}/rotate-secret", "rotate_subscription_secret", args=(ONE_ID,),
           response_schema="webhooks:SubscriptionWithSecret",
           summary="A new signing secret (shown only here); later attempts are signed with it"),
    _route("POST", f"{ONE}/disable", "disable_subscription", args=(ONE_ID, BODY), body="json",
           request_schema="webhooks:SubscriptionDisable", response_schema="webhooks:Subscription",
           summary="Stop sending (with a reason); pending deliveries wait (409 if disabled)"),
    _route("POST", f"{ONE}/enable", "enable_subscription", args=(ONE_ID,),
           response_schema="webhooks:Subscription",
           summary="Resume sending; pending deliveries are due at once (409 if active)"),
    _route("GET", f"{ONE}/deliveries", "list_deliveries", args=(ONE_ID, QUERY),
           query="webhooks:DeliveryQuery", response_schema="webhooks:Delivery",
           response_page=True,
           summary="The delivery log: attempts, last status code, latency, error, next attempt"),
    _route("GET", f"{API}/webhooks/deliveries/{{delivery_id}}/attempts",
           "list_delivery_attempts", args=(path("delivery_id"),),
           response_schema="webhooks:Attempt", response_many=True,
           summary="Every attempt of one delivery"),
    _route("POST", f"{ONE}/replays", "replay_events", args=(ONE_ID, BODY), body="json",
           status=202, request_schema="webhooks:ReplayRequest",
           response_schema="webhooks:ReplayJob", response_many=True,
           summary="Re-deliver a past range of the producers' event logs (by source and sequence "
                   "range, or by time); replays carry the original webhook-id"),
    _route("GET", f"{ONE}/replays", "list_replays", args=(ONE_ID,),
           response_schema="webhooks:ReplayJob", response_many=True,
           summary="The subscription's replay jobs and how far each has read"),
]
