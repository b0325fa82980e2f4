"""A 4xx raised by an entrypoint is logged once at INFO without a traceback; a 5xx or an
unexpected exception keeps ERROR and its traceback (issue 9 §4)."""
import logging

import pytest
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_hook

from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.rpc import ServiceUnavailable, rpc
from services.chassis.service import ChassisService


class Raiser(ChassisService):
    name = "raiser"

    @rpc
    def fail(self, error):
        raise error


def worker_logs(caplog):
    return [r for r in caplog.records
            if r.name == "nameko.containers" and "error handling worker" in r.getMessage()]


@pytest.fixture(scope="module")
def raiser():
    """One container for the module: killing one waits about a second for its consumer loop."""
    container = ServiceContainer(Raiser, {"AMQP_URI": "memory://"})
    container.start()
    yield container
    container.kill()


@pytest.mark.parametrize("error", [Invalid("bad", {"name": ["missing"]}), NotFound("gone"),
                                   Conflict("taken")])
def test_a_client_error_is_one_info_line_without_traceback(raiser, caplog, error):
    with caplog.at_level(logging.DEBUG), entrypoint_hook(raiser, "fail") as fail:
        with pytest.raises(type(error)):
            fail(error)
    [record] = worker_logs(caplog)
    assert (record.levelno, record.exc_info, record.exc_text) == (logging.INFO, None, None)


@pytest.mark.parametrize("error", [RuntimeError("bug"), ServiceUnavailable("away")])
def test_a_server_error_keeps_error_and_its_traceback(raiser, caplog, error):
    with caplog.at_level(logging.DEBUG), entrypoint_hook(raiser, "fail") as fail:
        with pytest.raises(type(error)):
            fail(error)
    [record] = worker_logs(caplog)
    assert record.levelno == logging.ERROR and record.exc_info[1] is error
