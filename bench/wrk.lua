-- wrk script for `make bench` (bench/wrk.py runs it; loopback only).
--
-- Every run counts each response by status class in a `response` hook and
-- prints one line "BENCH_JSON {...}" from `done` with requests, latency
-- percentiles, socket errors and the status counts.
--
-- Environment:
--   BENCH_COOKIE    Cookie header to send (the signed-in session, CSRF cookie)
--   BENCH_MODE      "get" (default) or "post"
-- POST mode (questionnaire steps, each POST answers a different step):
--   BENCH_TARGETS   file with one function id per line
--   BENCH_OPTIONS   comma-separated option id per step (step 1 first)
--   BENCH_TOKEN     the csrfmiddlewaretoken form value
--   BENCH_WIDTH     connections per thread (functions posted side by side)
--   BENCH_THREADS   number of wrk threads
--   BENCH_POST_UNTIL  wall-clock time (epoch seconds) after which no new POST
--                   is sent: the run goes on a few seconds longer so every POST
--                   in flight gets its response (and is counted) before wrk stops

local mode = os.getenv("BENCH_MODE") or "get"
local cookie = os.getenv("BENCH_COOKIE") or ""
if cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

local threads = {}
local thread_index = 0

function setup(thread)
  thread:set("tid", thread_index)
  thread_index = thread_index + 1
  table.insert(threads, thread)
end

c2xx, c3xx, c4xx, c5xx, cother, c302, c204, exhausted, issued, late = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0

if mode == "post" then
  local targets, options = {}, {}
  local token, width, step_count = "", 1, 0
  local n = 0
  local post_until = tonumber(os.getenv("BENCH_POST_UNTIL") or "0")

  local ffi = require("ffi")
  ffi.cdef([[
    typedef struct { long tv_sec; long tv_usec; } bench_timeval;
    int gettimeofday(bench_timeval *tv, void *tz);
  ]])
  local tv = ffi.new("bench_timeval")
  local function now()
    ffi.C.gettimeofday(tv, nil)
    return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
  end

  -- wrk calls request() once before the run to check the script (thread 0):
  -- that call must not take a (function, step) pair. Real requests come after
  -- a delay() call, which wrk makes before every request on every connection.
  local running = false

  -- Past BENCH_POST_UNTIL, hold every connection idle until wrk stops.
  function delay()
    running = true
    if post_until > 0 and now() >= post_until then
      return 600000
    end
    return 0
  end

  function init(args)
    local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
    width = tonumber(os.getenv("BENCH_WIDTH") or "1")
    token = os.getenv("BENCH_TOKEN") or ""
    for id in string.gmatch(os.getenv("BENCH_OPTIONS") or "", "%d+") do
      table.insert(options, id)
    end
    step_count = #options
    -- Each thread takes every nthreads-th function, so no two threads share one.
    local i = 0
    for line in io.lines(os.getenv("BENCH_TARGETS")) do
      if i % nthreads == tid then
        table.insert(targets, line)
      end
      i = i + 1
    end
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end

  -- Request n of a thread: `width` functions side by side walk through their
  -- steps together (step 1 of each, then step 2, ...), then the next block.
  -- So the requests in flight answer different functions, every (function,
  -- step) pair is posted at most once, and each function is completed in
  -- order, its last POST computing the recommendation as in real use.
  function request()
    if not running then
      return wrk.format("GET", "/_bench/idle")
    end
    if post_until > 0 and now() >= post_until then
      -- A connection reopened after the POST window: no POST any more.
      late = late + 1
      return wrk.format("GET", "/_bench/idle")
    end
    local per_block = width * step_count
    local block = math.floor(n / per_block)
    local within = n % per_block
    local index = block * width + (within % width) + 1
    local step = math.floor(within / width) + 1
    n = n + 1
    if index > #targets then
      exhausted = exhausted + 1
      return wrk.format("GET", "/_bench/idle")
    end
    local path = "/functions/" .. targets[index] .. "/steps/" .. step .. "/"
    local body = "csrfmiddlewaretoken=" .. token .. "&option=" .. options[step]
      .. "&note=&action=continue"
    issued = issued + 1
    return wrk.format("POST", path, nil, body)
  end
end

function response(status, headers, body)
  if status == 204 then
    c204 = c204 + 1 -- /_bench/idle: not a POST, counted apart
  elseif status >= 200 and status < 300 then
    c2xx = c2xx + 1
  elseif status >= 300 and status < 400 then
    c3xx = c3xx + 1
    if status == 302 then
      c302 = c302 + 1
    end
  elseif status >= 400 and status < 500 then
    c4xx = c4xx + 1
  elseif status >= 500 and status < 600 then
    c5xx = c5xx + 1
  else
    cother = cother + 1
  end
end

function done(summary, latency, requests)
  local totals = {
    c2xx = 0, c3xx = 0, c4xx = 0, c5xx = 0, cother = 0, c302 = 0, c204 = 0,
    exhausted = 0, issued = 0, late = 0,
  }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + (thread:get(key) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"status": {"2xx": %d, "3xx": %d, "4xx": %d, "5xx": %d, "other": %d, "302": %d, "204": %d}, '
      .. '"exhausted": %d, "issued": %d, "late": %d, "latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p95": %d, '
      .. '"p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    totals.c2xx, totals.c3xx, totals.c4xx, totals.c5xx, totals.cother, totals.c302, totals.c204,
    totals.exhausted, totals.issued, totals.late, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max
  ))
end
