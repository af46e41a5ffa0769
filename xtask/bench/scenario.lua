-- The benchmark's requests, generated inside wrk (one Lua state per wrk thread), so the load
-- generator is wrk itself: `cargo xtask bench` runs `wrk -s xtask/bench/scenario.lua` once per
-- scenario and reads the JSON line `done` prints. Settings come from the environment:
--   BENCH_SCENARIO  livez | get | bulk | set_new | refresh | clear | mix
--   BENCH_TOKEN     the bearer token (application, Presence.ReadWrite.All)
--   BENCH_USERS     users in the dataset (ids user-0000000 ..)
--   BENCH_APP       the token's application id (the session id of its writes)
--   BENCH_RUN       a word making this run's new user ids unique (one per instance)
--   BENCH_FROM      optional, one number per thread ("n0,n1"): where this thread's counter of
--                   new ids starts, so that a second set_new run continues the first's series
--   BENCH_DELAY_MS  paced mode: each connection waits this long (on average) between an
--                   answer and its next request; `cargo xtask bench` calibrates it to a rate

local scenario = os.getenv("BENCH_SCENARIO") or "get"
local token = os.getenv("BENCH_TOKEN") or ""
local users = tonumber(os.getenv("BENCH_USERS") or "100")
local app = os.getenv("BENCH_APP") or "app-00"
local run = os.getenv("BENCH_RUN") or "0"
local from = os.getenv("BENCH_FROM") or ""

local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")

if pause > 0 then
  -- wrk takes whole milliseconds: round at random so that the mean is `pause`.
  function delay()
    local whole = math.floor(pause)
    if math.random() < pause - whole then
      return whole + 1
    end
    return whole
  end
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local auth = { ["Authorization"] = "Bearer " .. token }
local json = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
-- global: `done` reads each thread's through thread:get. set_new and the mix count the ids
-- they created with it, clear the sessions it cleared.
counter = 0
local created = {}
-- A mix clears only sessions created this many requests ago: the thread's other connections
-- may still be creating the newest.
local SETTLED = 64

function init(args)
  math.randomseed(1000 + thread_id)
  local i = 0
  for n in string.gmatch(from, "%d+") do
    if i == thread_id then counter = tonumber(n) end
    i = i + 1
  end
end

local function user()
  return string.format("user-%07d", math.random(0, users - 1))
end

local function set(id)
  return wrk.format("POST", "/v1.0/users/" .. id .. "/presence/setPresence", json,
    '{"sessionId":"' .. app .. '","availability":"Busy","activity":"InACall","expirationDuration":"PT1H"}')
end

local function clear(id)
  return wrk.format("POST", "/v1.0/users/" .. id .. "/presence/clearPresence", json,
    '{"sessionId":"' .. app .. '"}')
end

local function bulk()
  local ids = {}
  for i = 1, 100 do ids[i] = '"' .. user() .. '"' end
  return wrk.format("POST", "/v1.0/communications/getPresencesByUserId", json,
    '{"ids":[' .. table.concat(ids, ",") .. ']}')
end

local function new_user()
  local id = string.format("new-%s-%d-%d", run, thread_id, counter)
  counter = counter + 1
  return id
end

function request()
  if scenario == "livez" then
    return wrk.format("GET", "/livez", auth)
  elseif scenario == "get" then
    return wrk.format("GET", "/v1.0/users/" .. user() .. "/presence", auth)
  elseif scenario == "bulk" then
    return bulk()
  elseif scenario == "set_new" then
    return set(new_user())
  elseif scenario == "refresh" then
    return set(user())
  elseif scenario == "clear" then
    -- The sessions this thread's set_new runs (same BENCH_RUN) created, in order. The bench
    -- creates more than a clear run can use up and checks it did from the counters; a clear
    -- past them would be of a session that does not exist (404, counted as an error).
    local id = string.format("new-%s-%d-%d", run, thread_id, counter)
    counter = counter + 1
    return clear(id)
  else
    -- mix: 60 % reads, 25 % refreshes, 5 % bulk reads of 100, 5 % new sessions, 5 % clears
    -- of sessions this thread created.
    local roll = math.random(0, 99)
    if roll < 60 then
      return wrk.format("GET", "/v1.0/users/" .. user() .. "/presence", auth)
    elseif roll < 85 then
      return set(user())
    elseif roll < 90 then
      return bulk()
    elseif roll < 95 or #created <= SETTLED then
      local id = string.format("mix-%s-%d-%d", run, thread_id, counter)
      counter = counter + 1
      table.insert(created, id)
      return set(id)
    else
      return clear(table.remove(created, 1))
    end
  end
end

function done(summary, latency, requests)
  local per_thread = {}
  for _, thread in ipairs(threads) do
    table.insert(per_thread, tostring(thread:get("counter") or 0))
  end
  io.write(string.format(
    '\nBENCH {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p99_us":%d,"p999_us":%d,"counters":"%s"}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    table.concat(per_thread, ",")))
end
