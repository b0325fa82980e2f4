-- Shared by every bench script (loaded with require; see the package.path line in each).
-- Knobs come from the environment (set by bench/scenarios.py):
--   BENCH_TOKEN  bearer token sent as Authorization   BENCH_SEED  random seed
--   BENCH_PATHS  file of request paths, one a line    BENCH_NONCE unique per wrk run
-- done() prints one line "BENCH_JSON {...}": counts, errors, latency percentiles (µs) and
-- the HTTP statuses seen, which bench/scenarios.py parses.
local M = {}
local threads = {}

function M.env(name, default)
   local value = os.getenv(name)
   if value == nil or value == "" then return default end
   return value
end

function M.lines(path)
   local list = {}
   for line in io.lines(path) do
      if line ~= "" then list[#list + 1] = line end
   end
   assert(#list > 0, "no lines in " .. path)
   return list
end

-- setup() runs once per thread in the main Lua state: number the threads, keep them for done().
function M.setup(thread)
   threads[#threads + 1] = thread
   thread:set("id", #threads)
end

-- init() runs in each thread's own Lua state.
function M.init(args)
   statuses = {}
   local token = os.getenv("BENCH_TOKEN")
   if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
   math.randomseed(tonumber(M.env("BENCH_SEED", "1")) * 1000 + id)
end

function M.response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function M.done(summary, latency, requests)
   local seen = {}
   for _, thread in ipairs(threads) do
      local counts = thread:get("statuses") or {}
      for status, count in pairs(counts) do
         seen[status] = (seen[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(seen) do
      parts[#parts + 1] = string.format('"%d":%d', status, count)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"p999":%d},' ..
      '"statuses":{%s}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(95),
      latency:percentile(99), latency:percentile(99.9),
      table.concat(parts, ",")))
end

return M
