"""supervisord event listener: every service's output in `make run`'s terminal, each line
prefixed by the service's name (as the Procfile runner did before), e.g. `customers | {"level": "INFO", ...}`.

supervisord hands a program's output to listeners as PROCESS_LOG events (deploy/supervisord.conf
sets `stdout_events_enabled`); this process writes them to its stderr, which supervisord sends to
its own stdout. stdout is the event protocol's channel, so nothing else may be printed there.
The payload's length is counted in characters (supervisord builds the envelope from str), so
stdin is read as UTF-8 text without newline translation.
"""
import io
import sys

from supervisor import childutils

WIDTH = 10          # the longest service name in services/registry.py, so the bars line up


class Prefixer:
    """Lines per (process, channel); a chunk that ends mid-line keeps its tail for the next."""

    def __init__(self, out):
        self.out = out
        self.partial = {}

    def feed(self, name, channel, data):
        key = (name, channel)
        text = self.partial.pop(key, "") + data
        lines = text.split("\n")
        if lines[-1]:
            self.partial[key] = lines[-1]
        for line in lines[:-1]:
            self.out.write(f"{name:<{WIDTH}} | {line}\n")
        self.out.flush()


def main(stdin=None, stdout=None, out=None):
    stdin = stdin or io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline="")
    stdout = stdout or sys.stdout
    prefixer = Prefixer(out or sys.stderr)
    while True:
        childutils.listener.ready(stdout)
        line = stdin.readline()
        if not line:                       # supervisord has gone
            return
        headers = childutils.get_headers(line)
        payload = stdin.read(int(headers["len"]))
        if headers["eventname"].startswith("PROCESS_LOG"):
            event, data = childutils.eventdata(payload)
            prefixer.feed(event["processname"], event["channel"], data)
        childutils.listener.ok(stdout)


if __name__ == "__main__":
    main()
