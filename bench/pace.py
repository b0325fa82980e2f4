"""The host's pace: how long a fixed piece of pure-Python work takes on one core right now.

This machine is a virtual one and its speed moves under us: the bare `@http` ceiling measured
1,878 req/s in one full run and 3,582 in a run a day later on the same code, and figures moved
by ~30 % within one session (bench/FINDINGS.md, tenth session). Every figure is a ratio to the
same run's ceiling, which holds only while the host keeps the pace it had when the ceiling
ran. So before each scenario, on a quiet machine (scenarios.settle), the bench times the same
loop: the best of `REPEATS` timings, so a moment of scheduling noise does not count, and one
slow reading means the host itself was slower. `report` compares each scenario's pace with
the ceiling's and flags the scenarios whose ratios the host's drift can explain.
"""
import time

LOOP = 100_000     # iterations: ~4-8 ms on this machine's cores
REPEATS = 7
DRIFT = 1.15       # a pace this much slower (or faster) than the ceiling's: flagged


def _once(iterations):
    started = time.perf_counter()
    total = 0
    for number in range(iterations):
        total += number * number % 7
    return time.perf_counter() - started


def probe(iterations=LOOP, repeats=REPEATS):
    """Milliseconds the loop takes at best of `repeats` (lower is faster)."""
    return min(_once(iterations) for _ in range(repeats)) * 1000


def relative(pace_ms, reference_ms):
    """How much slower the host was than at the reference (1.0 = the same; 1.3 = 30 % slower);
    None when either is missing."""
    if not pace_ms or not reference_ms:
        return None
    return pace_ms / reference_ms


def drifted(ratio):
    return ratio is not None and not 1 / DRIFT <= ratio <= DRIFT
