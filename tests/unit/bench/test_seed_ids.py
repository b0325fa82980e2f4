"""The benchmark's seeded customers get ids as the service makes them (time-ordered at their
creation), reproducibly from the seed's generator."""
import random
import uuid
from datetime import datetime, timedelta, timezone

from bench import seed

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_seeded_ids_follow_creation_and_repeat_with_the_seed():
    times = [T0 + timedelta(seconds=s) for s in (5, 1, 3, 2, 4)]
    first = [seed.new_id(t, random.Random(7)) for t in times]
    again = [seed.new_id(t, random.Random(7)) for t in times]
    assert first == again
    by_time = [i for _, i in sorted(zip(times, first))]
    assert sorted(first) == by_time and {uuid.UUID(i).version for i in first} == {7}
