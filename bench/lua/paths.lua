-- GET a random path from BENCH_PATHS per request, with the bearer token: reads by random
-- seeded customer id, and list/search queries (filters, free text, minted cursors deep into
-- the list). The random sequence is seeded (BENCH_SEED + thread id): runs are repeatable.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
local paths

setup, response, done = common.setup, common.response, common.done

function init(args)
   common.init(args)
   paths = common.lines(os.getenv("BENCH_PATHS"))
end

function request()
   return wrk.format("GET", paths[math.random(#paths)])
end
