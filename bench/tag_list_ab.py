"""The list shapes' in-process CPU time with the tag filter's old query shape and its new one,
interleaved on the same files (bench/list_plans.py's working copies at head, `measure` first):

    python -m bench.tag_list_ab 10k 1m

"old" is the page before revision c5a9e2f1b7d3's change (the tag filter as conditions on the
customer-side walk or lookup: `tag_conditions(..., ranged=False)`), "new" the page as it runs
now (one range of customer_tag's (tag, created_at, id) index). Only the tag shape differs; the
others are the same code twice, so their two columns show the noise. CPU time of this thread
(SQLite runs in it), not wall time: on a machine the other helpers load to 10, wall-clock
medians of identical plans varied 2-50 ms, CPU time by ±0.5 ms.
"""
import os
import statistics
import sys
import time

from sqlalchemy.orm import Session

from bench import list_plans, lists, seed
from services.customers.handlers import search
from services.customers.queries import search_filters

os.environ.setdefault("CURSOR_SECRET", "bench-list-plans")
original = search_filters.tag_conditions
old = lambda s, f, ranged=False: original(s, f, False)   # noqa: E731  the query before the change


def cpu(engine, query, reps):
    runs = []
    for _ in range(reps):
        with Session(engine) as session:
            started = time.thread_time()
            search.list_customers(session, list_plans.ADMIN, dict(query))
            runs.append((time.thread_time() - started) * 1000)
    return statistics.median(runs)


for size in sys.argv[1:]:
    url = f"sqlite:///{list_plans.OUT / f'plans-{size}-after.db'}"
    shapes = lists.shapes(list_plans.ADMIN, seed.sample(url, 50), list_plans.OWNERS)
    engine = seed.engine_for(url)
    for key, (title, queries) in shapes.items():
        figures = {"old": [], "new": []}
        for _ in range(5):
            for label, function in (("old", old), ("new", original)):
                search_filters.tag_conditions = function
                figures[label].append(statistics.median(cpu(engine, q, 3) for q in queries[:5]))
        search_filters.tag_conditions = original
        print(f"{size} {key:15} old {statistics.median(figures['old']):6.2f} ms cpu  "
              f"new {statistics.median(figures['new']):6.2f} ms cpu", flush=True)
    engine.dispose()
print("load", os.getloadavg())
