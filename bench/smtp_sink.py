"""A local SMTP sink for bench/marketing_send.py: aiosmtpd in a process of its own, every
message accepted (250), its body discarded, counted by its Message-ID — so the bench can prove
exactly-once (no Message-ID twice, none missing) without storing 100,000 mails.

    python -m bench.smtp_sink DIRECTORY [--port 0]

Writes DIRECTORY/port once listening, DIRECTORY/progress (messages so far) every second, and on
SIGTERM DIRECTORY/result.json: {received, unique, duplicates: {message id: times}, first_at,
last_at, arrivals: [time of each message, seconds since the epoch]} and DIRECTORY/ids (one
Message-ID a line)."""
import argparse
import asyncio
import json
import os
import re
import signal
import time
from collections import Counter
from pathlib import Path

MESSAGE_ID = re.compile(rb"(?im)^message-id:\s*(<[^>\r\n]+>)")


class Sink:
    def __init__(self):
        self.seen, self.arrivals, self.received = Counter(), [], 0

    async def handle_DATA(self, server, session, envelope):
        headers = envelope.content.split(b"\r\n\r\n", 1)[0]      # the body is not looked at
        found = MESSAGE_ID.search(headers)
        self.seen[found.group(1).decode() if found else "(none)"] += 1
        self.arrivals.append(time.time())
        self.received += 1
        return "250 2.0.0 OK"

    def result(self):
        return {"received": self.received, "unique": len(self.seen),
                "duplicates": {mid: n for mid, n in self.seen.items() if n > 1},
                "first_at": self.arrivals[0] if self.arrivals else None,
                "last_at": self.arrivals[-1] if self.arrivals else None,
                "arrivals": self.arrivals}


def _write(path, text):
    partial = path.with_suffix(".tmp")
    partial.write_text(text)
    os.replace(partial, path)


def main(argv=None):
    from aiosmtpd.smtp import SMTP

    parser = argparse.ArgumentParser(prog="python -m bench.smtp_sink")
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args(argv)
    directory, sink = Path(options.directory), Sink()
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(sink, hostname="localhost"), "127.0.0.1", options.port, reuse_address=True))

    async def progress():
        while True:
            _write(directory / "progress", str(sink.received))
            await asyncio.sleep(1)
    loop.create_task(progress())
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    _write(directory / "port", str(server.sockets[0].getsockname()[1]))
    loop.run_forever()
    _write(directory / "ids", "".join(f"{mid}\n" for mid in sink.seen))
    _write(directory / "result.json", json.dumps(sink.result()))


if __name__ == "__main__":
    main()
