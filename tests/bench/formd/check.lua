-- wrk script for tests/bench/bench_formd.sh: counts every response that is
-- not the expected one, since wrk itself only counts statuses >= 400 (a 303
-- to the login page would pass as a success). Optional request body:
--   BENCH_BODY_FILE      POST this file as application/json
--   BENCH_EXPECT_STATUS  expected status (default 200)
--   BENCH_EXPECT_BODY    a substring every response body must contain
-- done() prints one line the shell script parses:
--   check: unexpected=N statuses=303:12,401:3
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end
local expect_status = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "") or 200
local expect_body = os.getenv("BENCH_EXPECT_BODY")
if expect_body == "" then expect_body = nil end

-- Per thread (each wrk thread has its own Lua state).
unexpected = 0
statuses = {}

function response(status, headers, body)
  if status ~= expect_status or (expect_body and not string.find(body, expect_body, 1, true)) then
    unexpected = unexpected + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

-- Main state: collect the threads, add their counters up at the end.
local threads = {}
function setup(thread) table.insert(threads, thread) end

function done(summary, latency, requests)
  local total, by_status = 0, {}
  for _, thread in ipairs(threads) do
    total = total + thread:get("unexpected")
    for status, n in pairs(thread:get("statuses")) do by_status[status] = (by_status[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(by_status) do table.insert(parts, status .. ":" .. n) end
  table.sort(parts)
  io.write(string.format("check: unexpected=%d statuses=%s\n", total, #parts > 0 and table.concat(parts, ",") or "-"))
end
