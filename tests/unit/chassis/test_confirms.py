"""Which messages of a batch the broker confirmed, from its acks and nacks (single or `multiple`,
in any order), given the channel's delivery tags."""
from services.chassis.confirms import _Batch


def test_single_acks_in_any_order_confirm_their_messages():
    batch = _Batch(first_tag=11, size=3)            # the channel published 10 before this batch
    batch.ack(13, False)
    assert not batch.done() and batch.confirmed() == [2]
    batch.ack(11, False)
    batch.ack(12, False)
    assert batch.done() and batch.confirmed() == [0, 1, 2]


def test_a_multiple_ack_confirms_every_message_up_to_its_tag():
    batch = _Batch(first_tag=1, size=5)
    batch.ack(3, True)
    assert batch.confirmed() == [0, 1, 2] and not batch.done()
    batch.ack(5, True)
    assert batch.done() and batch.confirmed() == [0, 1, 2, 3, 4]


def test_nacked_messages_end_the_wait_but_are_not_confirmed():
    batch = _Batch(first_tag=1, size=4)
    batch.ack(2, True)
    batch.nack(4, True)         # 3 and 4 refused; 1 and 2 stay confirmed
    assert batch.done() and batch.confirmed() == [0, 1]


def test_tags_outside_the_batch_change_nothing():
    batch = _Batch(first_tag=6, size=2)
    batch.ack(5, False)
    batch.ack(9, False)
    assert batch.confirmed() == [] and not batch.done()
    batch.ack(9, True)          # up to 9 covers the whole batch (6 and 7)
    assert batch.done() and batch.confirmed() == [0, 1]
