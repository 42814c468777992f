-- wrk script for bench/inbound.sh: replays pre-signed Twilio inbound webhooks, each sent once.
-- usage: wrk ... -s bench/inbound.lua URL -- REQUESTS_FILE THREADS
-- REQUESTS_FILE lines are "<X-Twilio-Signature> <idempotency token> <form body>" (make_requests.js).
-- Thread k of THREADS takes the k-th contiguous slice of the file; done() prints one RESULT line.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local requests = {}
local count = 0
local cursor = 0
issued = 0    -- request() calls of this thread
wrapped = 0   -- requests sent a second time because the slice ran out (must stay 0)
loaded = 0

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
  assert(file and nthreads, "usage: -- REQUESTS_FILE THREADS")
  local total = 0
  for _ in io.lines(file) do total = total + 1 end
  local first = math.floor(total * id / nthreads) + 1
  local last = math.floor(total * (id + 1) / nthreads)
  local path = wrk.path
  local n = 0
  for line in io.lines(file) do
    n = n + 1
    if n > last then break end
    if n >= first then
      local sig, token, body = line:match("^(%S+) (%S+) (.*)$")
      assert(sig, "malformed line " .. n .. " in " .. file)
      count = count + 1
      requests[count] = wrk.format("POST", path, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Twilio-Signature"] = sig,
        ["I-Twilio-Idempotency-Token"] = token,
        ["User-Agent"] = "TwilioProxy/1.1",
        ["Accept"] = "*/*",
        ["Cache-Control"] = "max-age=259200",
        ["X-Home-Region"] = "us1",
      }, body)
    end
  end
  loaded = count
  assert(count > 0, "thread " .. id .. " got no requests from " .. file)
end

function request()
  cursor = cursor + 1
  issued = issued + 1
  if cursor > count then
    cursor = 1
    wrapped = wrapped + 1
  end
  return requests[cursor]
end

function done(s, lat, req)
  local issued_total, wrapped_total, loaded_total = 0, 0, 0
  for _, t in ipairs(threads) do
    issued_total = issued_total + t:get("issued")
    wrapped_total = wrapped_total + t:get("wrapped")
    loaded_total = loaded_total + t:get("loaded")
  end
  -- wrk calls request() once more on thread 1's state only to check the script: never sent.
  issued_total = issued_total - 1
  local e = s.errors
  local ok = s.requests - e.status
  local secs = s.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d ok=%d rps=%.0f ok_rps=%.0f p50=%d p90=%d p99=%d p999=%d max=%d errors=%d non2xx=%d " ..
    "connect=%d read=%d write=%d timeout=%d issued=%d wrapped=%d loaded=%d seconds=%.3f\n",
    s.requests, ok, s.requests / secs, ok / secs, lat:percentile(50), lat:percentile(90),
    lat:percentile(99), lat:percentile(99.9), lat.max, e.connect + e.read + e.write + e.timeout,
    e.status, e.connect, e.read, e.write, e.timeout, issued_total, wrapped_total, loaded_total, secs))
end
