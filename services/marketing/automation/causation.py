"""Loop protection. A rule's action makes another service write (a tag on a customer, a task),
which publishes an event, which may trigger rules again — rule A tagging what rule B untags
would run forever. We chose to carry the causation in what the action triggers, rather than to
refuse rules at save time (a rule "tagged vip → add tag priority" is legitimate, and a loop
can go through several rules and services, which no save-time check sees whole):

- an action calls the other service as the principal `automation:<depth>:<rule id>` (role
  system); that service records its principal as the `actor` of the events it emits (every
  unit of work does: services/chassis/db.py), so the caused event says which rule caused it
  and after how many steps;
- an event caused by rule R never triggers R again, and an event `MARKETING_AUTOMATION_MAX_
  DEPTH` steps deep triggers nothing more; either way the run is logged as skipped (loop), so
  an admin sees the loop instead of it ending silently.

An event a person or a timer caused has depth 0.
"""
import re

PREFIX = "automation"
_ACTOR = re.compile(rf"^{PREFIX}:(\d{{1,3}}):([0-9A-Za-z-]{{1,36}})$")


def actor(depth, rule_id):
    """The principal (and so the events' actor) of an action of `rule_id` at `depth`."""
    return f"{PREFIX}:{depth}:{rule_id}"


def of(envelope):
    """(depth, the rule that caused the event or None) from its actor."""
    found = _ACTOR.match(str(envelope.get("actor") or ""))
    return (int(found.group(1)), found.group(2)) if found else (0, None)
