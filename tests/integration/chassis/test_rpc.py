"""RPC publishing: replies and (after a route check) requests go out without confirms."""
import pytest
from nameko.rpc import rpc as nameko_rpc
from nameko.testing.services import entrypoint_hook

from services.chassis.rpc import RpcPublisher, ServiceRpc, ServiceUnavailable, rpc


class Echo:
    name = "echo_svc"

    @rpc
    def echo(self, value):
        return value

    @rpc
    def unserializable(self, _value):
        return object()

    @nameko_rpc                 # a service not yet switched to the chassis decorator
    def shout(self, value):
        return value.upper()


class Caller:
    name = "caller"
    services = ServiceRpc()

    @rpc
    def relay(self, service, method, value):
        return self.services.call(service, method, value, timeout=5)


@pytest.fixture
def published(monkeypatch):
    """(routing key, confirmed?, mandatory?) of every RPC request and reply."""
    calls, real = [], RpcPublisher.publish

    def spy(self, payload, **kwargs):
        confirmed = kwargs.get("use_confirms", self.use_confirms)
        calls.append((kwargs["routing_key"], confirmed, kwargs.get("mandatory", False)))
        return real(self, payload, **kwargs)
    monkeypatch.setattr(RpcPublisher, "publish", spy)
    return calls


def test_only_the_route_check_is_confirmed(container_factory, rabbit_config, published):
    echo, caller = container_factory(Echo, rabbit_config), container_factory(Caller, rabbit_config)
    echo.start()
    caller.start()
    with entrypoint_hook(caller, "relay") as relay:
        assert relay("echo_svc", "echo", "a") == "a"
        assert relay("echo_svc", "shout", "b") == "B"      # both decorators: one queue consumer
        assert relay("echo_svc", "echo", "c") == "c"

    requests = [entry for entry in published if entry[0].startswith("echo_svc.")]
    replies = [entry for entry in published if not entry[0].startswith("echo_svc.")]
    assert [(key, confirmed) for key, confirmed, _ in requests] == [
        ("echo_svc.echo", True), ("echo_svc.shout", False), ("echo_svc.echo", False)]
    assert requests[0][2] is True                           # the check asks for basic.return
    assert len(replies) == 3 and not any(confirmed or mandatory for _, confirmed, mandatory in replies)


def test_a_service_that_never_ran_is_still_a_fast_503(container_factory, rabbit_config, published):
    caller = container_factory(Caller, rabbit_config)
    caller.start()
    with entrypoint_hook(caller, "relay") as relay:
        with pytest.raises(ServiceUnavailable, match="not running"):
            relay("nobody_home", "anything", 1)


def test_a_reply_the_broker_cannot_take_leaves_the_service_running(
        container_factory, rabbit_config, monkeypatch):
    """Issue 10 chaos run: the broker died while a service was answering; nameko let the failed
    reply publish kill the container (sales exited). The reply is dropped (the caller's deadline
    answers 503) and the service goes on serving."""
    import kombu.exceptions
    real, failed = RpcPublisher.publish, []

    def broker_gone_for_one_reply(self, payload, **kwargs):
        if not failed and not kwargs["routing_key"].startswith("echo_svc."):
            failed.append(kwargs["routing_key"])
            raise kombu.exceptions.OperationalError("[Errno 111] ECONNREFUSED")
        return real(self, payload, **kwargs)
    monkeypatch.setattr(RpcPublisher, "publish", broker_gone_for_one_reply)
    echo, caller = container_factory(Echo, rabbit_config), container_factory(Caller, rabbit_config)
    echo.start()
    caller.start()
    with entrypoint_hook(caller, "relay") as relay:
        with pytest.raises(ServiceUnavailable):
            relay("echo_svc", "echo", "lost reply")
        assert failed
        assert relay("echo_svc", "echo", "next") == "next"
    assert not echo._died.ready()


def test_a_reply_is_serialised_once_and_an_unserialisable_one_answers_as_nameko_did(
        container_factory, rabbit_config, monkeypatch):
    """The responder dumps the reply once (nameko dumped the result to check it, then the whole
    reply again); a result JSON cannot take still answers UnserializableValueError, and the
    service goes on serving."""
    import kombu.messaging
    import kombu.serialization
    dumped = []

    def spying(real):
        def dumps(data, *args, **kwargs):
            if isinstance(data, dict) and "result" in data or data == {"n": 1}:
                dumped.append(data)
            return real(data, *args, **kwargs)
        return dumps
    monkeypatch.setattr(kombu.serialization, "dumps", spying(kombu.serialization.dumps))
    monkeypatch.setattr(kombu.messaging, "dumps", spying(kombu.messaging.dumps))
    echo, caller = container_factory(Echo, rabbit_config), container_factory(Caller, rabbit_config)
    echo.start()
    caller.start()
    with entrypoint_hook(caller, "relay") as relay:
        assert relay("echo_svc", "echo", "warm-up") == "warm-up"
        dumped.clear()
        assert relay("echo_svc", "echo", {"n": 1}) == {"n": 1}
        # the request's args hold {"n": 1} too, inside {"args": ..., "kwargs": ...}: only the
        # reply and nameko's check of its result are counted
        assert dumped == [{"result": {"n": 1}, "error": None}]
        with pytest.raises(Exception, match="UnserializableValueError"):
            relay("echo_svc", "unserializable", None)
        assert relay("echo_svc", "echo", "next") == "next"
    assert not echo._died.ready()
