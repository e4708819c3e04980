-- wrk script for W6 POST /api/v1/scans: a scan with its findings from a JSON template file in
-- which __SCAN_ID__ stands for the scan id; every request gets a fresh id (run prefix, thread,
-- counter), so no request collides with another or with an earlier run.
-- Arguments (after --): template_path prefix
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  local f = assert(io.open(args[1], "r"))
  template = f:read("*a")
  f:close()
  prefix = args[2]
  sent = 0
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  sent = sent + 1
  local id = prefix .. "-t" .. tid .. "-" .. sent
  local body = string.gsub(template, "__SCAN_ID__", id)
  return wrk.format("POST", "/api/v1/scans", headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
