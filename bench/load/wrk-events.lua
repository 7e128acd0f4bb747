-- wrk script of the ingest benchmark (bench/run.sh): POSTs Event Grid arrays with ids unique to each request.
--   wrk -t1 -cC -dD -s bench/load/wrk-events.lua URL -- BODIES_FILE RUN_TAG
-- BODIES_FILE: one JSON body template per line (bench/load/Bodies.java), each event id written as "@ID@-k";
-- request i uses template i mod (number of lines) with "@ID@" replaced by RUN_TAG-<thread>-<i>.
-- done() prints one machine-readable line (WRK ...) that run.sh reads.


local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local templates = {}
local counter = 0
local tag
local headers = { ["Content-Type"] = "application/json", ["X-Event-Key"] = "bench-key" }

function init(args)
  local f = assert(io.open(args[1], "r"))
  for line in f:lines() do
    if #line > 0 then
      local parts = {}
      local start = 1
      while true do
        local s, e = string.find(line, "@ID@", start, true)
        if not s then break end
        table.insert(parts, string.sub(line, start, s - 1))
        start = e + 1
      end
      table.insert(parts, string.sub(line, start))
      table.insert(templates, parts)
    end
  end
  f:close()
  assert(#templates > 0, "no body templates in " .. args[1])
  tag = args[2] .. "-" .. tostring(tid)
end

function request()
  counter = counter + 1
  local parts = templates[(counter % #templates) + 1]
  return wrk.format("POST", nil, headers, table.concat(parts, tag .. "-" .. counter))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d bytes=%d status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
