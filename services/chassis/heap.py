"""The garbage collector tuned for a long-running service process.

CPython's defaults suit short scripts: a young collection every 700 allocations, and full
collections that traverse every object the process holds — here mostly modules, mappers,
schemas and compiled statements that live as long as the process. Once a process has started
(every module imported, every extension set up) `ServiceHeap` collects once, freezes what is
left (gc.freeze: full collections skip it from then on) and collects the young generation every
YOUNG allocations. On an import of 10,000 rows it cut the CPU a row of the system's processes
~1.00 → 0.94–0.95 ms, for ~5 MB more peak RSS in customers (bench/FINDINGS.md, thirteenth
session).
"""
import gc

from nameko.extensions import DependencyProvider

YOUNG = 20_000          # allocations between young collections (CPython's default: 700)
OLDER = (20, 20)        # young collections per middle one, middle ones per full one (10, 10)

_tuned = False


def tune():
    """Once per process (the first container to start: a test process starts many)."""
    global _tuned
    if _tuned:
        return
    _tuned = True
    gc.collect()        # garbage must not be frozen with the rest
    gc.freeze()
    gc.set_threshold(YOUNG, *OLDER)


class ServiceHeap(DependencyProvider):
    def start(self):
        tune()
