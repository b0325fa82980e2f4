"""The two reference points every other figure is compared with.

    GATEWAY_ADDRESS=127.0.0.1:8090 nameko run --config config.yml bench.hello:BenchHttp
    nameko run --config config.yml bench.hello:BenchEcho

- `GET /hello` — a bare nameko `@http` endpoint: the HTTP ceiling of nameko on this machine.
- `GET /hop`   — the same endpoint making one plain nameko RPC (`RpcProxy`) to `bench_echo`:
  the baseline any nameko system starts from (HTTP in, one AMQP request/reply, HTTP out).
- `GET /hop-unconfirmed` — the same hop with publisher confirms off for the request (nameko
  confirms every RPC request and reply by default: a broker round trip before the publish
  returns). Not a target scenario: it measures what those confirms cost.

Same config.yml (broker, max_workers, JSON logging) as the real services, so the comparison is
like for like. `BenchHttp` binds its own port (WEB_SERVER_ADDRESS): never the gateway's.
"""
from nameko.rpc import RpcProxy, rpc
from nameko.web.handlers import http


class BenchEcho:
    name = "bench_echo"

    @rpc
    def echo(self, value):
        return value


class BenchHttp:
    name = "bench_http"

    echo = RpcProxy("bench_echo")
    echo_unconfirmed = RpcProxy("bench_echo", use_confirms=False)

    @http("GET", "/hello")
    def hello(self, request):
        return 200, {"Content-Type": "text/plain"}, "hello"

    @http("GET", "/hop")
    def hop(self, request):
        return 200, {"Content-Type": "text/plain"}, self.echo.echo("hello")

    @http("GET", "/hop-unconfirmed")
    def hop_unconfirmed(self, request):
        return 200, {"Content-Type": "text/plain"}, self.echo_unconfirmed.echo("hello")
