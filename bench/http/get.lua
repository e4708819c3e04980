-- wrk script for W6 GET /api/v1/scans/:id over ids <prefix>-0000000 .. count-1, at random.
-- Arguments (after --): prefix count
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  prefix = args[1]
  count = tonumber(args[2])
  math.randomseed(1000 + (tid or 0))
end

function request()
  local n = math.random(0, count - 1)
  return wrk.format("GET", "/api/v1/scans/" .. prefix .. "-" .. string.format("%07d", n))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
