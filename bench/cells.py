"""The cells of bench/RESULTS.md's tables, shared by bench/report.py and bench/goals.py:
a figure or "–", met or not, a scenario's median, the run's sizes."""


def _f(value, digits=0, unit=""):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{unit}"


def against(value, goal):
    """`value`× with one decimal, or two where one would round a miss onto its goal (1.53× of
    a 1.5× goal must not read "1.5×" beside a NO)."""
    if value is None:
        return "–"
    digits = 2 if value > goal and round(value, 1) <= goal else 1
    return f"{value:.{digits}f}×"


def _ok(condition):
    return "—" if condition is None else ("**yes**" if condition else "**NO**")


def _median(results, key, group="scenarios"):
    entry = results[group].get(key)
    return entry["median"] if entry else None


def _sizes(results):
    return results["settings"]["sizes"]
