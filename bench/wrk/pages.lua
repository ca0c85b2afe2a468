-- wrk script for the bench: each request carries one of the signed-in users' cookies in
-- turn (a file of "Cookie:" values, one a line, named by BENCH_COOKIES; none: anonymous),
-- says it came through the TLS proxy, and, with BENCH_POST=1, logs a run with a fresh
-- submission token (CSRF token and cookie from BENCH_CSRF_TOKEN). done() prints one JSON
-- line the harness reads.

local cookies = {}
local counter = 0
local post = os.getenv("BENCH_POST") == "1"
local csrf_token = os.getenv("BENCH_CSRF_TOKEN") or ""
-- Runs count down from BENCH_POST_BASE (Unix time) six minutes apart, per user, so no
-- run is a duplicate of another (the service refuses starts within five minutes).
local post_base = tonumber(os.getenv("BENCH_POST_BASE") or "0")
local utc_offset = tonumber(os.getenv("BENCH_UTC_OFFSET") or "0")
local slots = {}
created = 0  -- globals: done() reads them from each thread
refused = 0
local origin = os.getenv("BENCH_ORIGIN") or ""
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("BENCH_COOKIES")
  if path and path ~= "" then
    for line in io.lines(path) do
      if line ~= "" then table.insert(cookies, line) end
    end
  end
  counter = 0
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  math.randomseed(os.time() + (index or 0) * 7919)
end

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  counter = counter + 1
  local headers = { ["X-Forwarded-Proto"] = "https" }
  local user = 1
  if #cookies > 0 then
    -- Each thread takes its own share of the users (thread i: users i, i+n, ...).
    local share = math.max(1, math.floor(#cookies / nthreads))
    user = ((index or 0) + nthreads * (counter % share)) % #cookies + 1
    headers["Cookie"] = cookies[user]
  end
  if not post then
    return wrk.format("GET", nil, headers, nil)
  end
  slots[user] = (slots[user] or 0) + 1
  local started_at = os.date("!%Y-%m-%dT%H%%3A%M", post_base + utc_offset - slots[user] * 360)
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Origin"] = origin
  headers["Referer"] = origin .. wrk.path
  local body = "csrfmiddlewaretoken=" .. csrf_token
    .. "&submission_token=" .. uuid4()
    .. "&started_at=" .. started_at
    .. "&distance=1.00&duration=0%3A05%3A00&effort=5&notes=bench"
  return wrk.format("POST", nil, headers, body)
end

if post then
  -- Only when posting: a response() callback costs wrk time on every request.
  function response(status, headers, body)
    if status == 302 then created = created + 1 else refused = refused + 1 end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local made, other = 0, 0
  for _, thread in ipairs(threads) do
    made = made + (thread:get("created") or 0)
    other = other + (thread:get("refused") or 0)
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "rps": %.2f, "p50_ms": %.3f, '
      .. '"p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "status_errors": %d, '
      .. '"socket_errors": %d, "redirects": %d, "other_status": %d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout, made, other))
end
