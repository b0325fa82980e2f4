-- GET one fixed path (wrk's URL), counting statuses: the ceiling (/hello) and naive hop (/hop).
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")

setup, init, response, done = common.setup, common.init, common.response, common.done
