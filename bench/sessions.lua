-- wrk script: send each request with the next session cookie of a list, so that the
-- load comes from many signed-in employees, and print the result as one JSON line.
-- Usage: wrk ... -s sessions.lua URL -- COOKIE_FILE (one "name=value" cookie per line)

local cookies = {}
local next_cookie = 1
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads * 7)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(cookies, line)
    end
  end
  if #cookies == 0 then
    error("no session cookies in " .. args[1])
  end
  next_cookie = (offset % #cookies) + 1
end

function request()
  local cookie = cookies[next_cookie]
  next_cookie = (next_cookie % #cookies) + 1
  return wrk.format("GET", nil, { ["Cookie"] = cookie, ["Accept-Encoding"] = "gzip" })
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
