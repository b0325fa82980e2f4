"""Segments that include or exclude other segments form a graph that must stay acyclic (a
segment cannot, through others, depend on itself): `order` gives an evaluation order with every
segment after the ones it depends on; `cycle` names one if an edit would make one;
`dependents` are the segments a change of one reaches (itself and those including or excluding
it, transitively)."""


def order(dependencies):
    """Ids in an order where each comes after its dependencies ({id: [ids it depends on]});
    unknown dependencies are ignored (a deleted segment is refused while referenced)."""
    done, result = set(), []

    def visit(node, path):
        if node in done or node not in dependencies or node in path:
            return
        for dependency in dependencies[node]:
            visit(dependency, path | {node})
        done.add(node)
        result.append(node)
    for node in sorted(dependencies):
        visit(node, frozenset())
    return result


def cycle(dependencies, start):
    """A path [start, ..., start] if `start` depends on itself, else None."""
    def walk(node, path):
        for dependency in dependencies.get(node, ()):
            if dependency == start:
                return path + [dependency]
            if dependency not in path:
                found = walk(dependency, path + [dependency])
                if found:
                    return found
        return None
    return walk(start, [start])


def dependents(dependencies, start):
    """`start` and every id that depends on it, directly or through others."""
    found, frontier = {start}, [start]
    while frontier:
        node = frontier.pop()
        for other, needs in dependencies.items():
            if node in needs and other not in found:
                found.add(other)
                frontier.append(other)
    return found
