-- POST /api/v1/service-desk/tickets: a new ticket per request for a random customer the service
-- desk's directory knows (BENCH_CUSTOMERS: a file of customer ids, one a line). Each request
-- validates, checks the customer in the directory copy, inserts the ticket, routes it, starts
-- its SLA clock and writes its events to the outbox.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
local customers, nonce, counter

setup, response, done = common.setup, common.response, common.done

local PRIORITIES = {"low", "medium", "high", "urgent"}

function init(args)
   common.init(args)
   customers = common.lines(os.getenv("BENCH_CUSTOMERS"))
   nonce = common.env("BENCH_NONCE", tostring(os.time()))
   counter = 0
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   counter = counter + 1
   local body = string.format(
      '{"customer_id":"%s","subject":"Bench ticket %s-%d-%d","priority":"%s","channel":"api"}',
      customers[math.random(#customers)], nonce, id, counter,
      PRIORITIES[(counter % #PRIORITIES) + 1])
   return wrk.format("POST", "/api/v1/service-desk/tickets", nil, body)
end
