-- POST /api/v1/customers with a new customer per request. Email and name are unique per
-- request (run nonce + thread id + counter), so no request is refused as a duplicate and each
-- one validates, inserts, assigns an owner (round robin) and writes its events to the outbox.
-- BENCH_REGIONS: comma-separated regions to spread the customers over (reps exist there).
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
local nonce, regions, counter

setup, response, done = common.setup, common.response, common.done

function init(args)
   common.init(args)
   nonce = common.env("BENCH_NONCE", tostring(os.time()))
   regions = {}
   for region in string.gmatch(common.env("BENCH_REGIONS", "North"), "[^,]+") do
      regions[#regions + 1] = region
   end
   counter = 0
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   counter = counter + 1
   local tag = string.format("%s-%d-%d", nonce, id, counter)
   local body = string.format(
      '{"name":"Bench Write %s","email":"w-%s@bench.example.com","phone":"+1 555 %07d",' ..
      '"region":"%s","industry":"Software","lifecycle_stage":"lead","size":%d}',
      tag, tag, (id * 1000003 + counter) % 10000000, regions[(counter % #regions) + 1],
      counter % 500)
   return wrk.format("POST", "/api/v1/customers", nil, body)
end
