"""Every service process tunes its garbage collector once it has started (chassis.heap)."""
import gc

import pytest

from gateway.service import GatewayService
from services.chassis import heap
from services.chassis.service import ChassisService


@pytest.fixture
def untuned(monkeypatch):
    """A process as it starts: nothing frozen, CPython's thresholds; restored afterwards.
    Automatic collections off meanwhile, so only the start's own collection can free garbage."""
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    gc.disable()
    monkeypatch.setattr(heap, "_tuned", False)
    yield
    gc.enable()
    gc.set_threshold(*threshold)
    if frozen:
        gc.freeze()


def test_the_first_start_freezes_what_lives_and_collects_the_young_less_often(untuned):
    class Cycle:
        pass
    garbage = Cycle()
    garbage.me = garbage                       # unreachable once deleted: collected, not frozen
    collected = []
    gc.callbacks.append(lambda phase, info: collected.append(info) if phase == "stop" else None)
    try:
        del garbage
        heap.ServiceHeap().start()
    finally:
        gc.callbacks.pop()
    assert [(info["generation"], info["collected"] >= 1) for info in collected] == [(2, True)]
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (heap.YOUNG, *heap.OLDER)


def test_a_second_start_in_the_same_process_does_nothing(untuned):
    heap.ServiceHeap().start()
    gc.set_threshold(700, 10, 10)
    heap.ServiceHeap().start()                 # a test process starts many containers
    assert gc.get_threshold() == (700, 10, 10)


def test_every_service_and_the_gateway_declare_it():
    assert isinstance(ChassisService.heap, heap.ServiceHeap)
    assert isinstance(GatewayService.heap, heap.ServiceHeap)
