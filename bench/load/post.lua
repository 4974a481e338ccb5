-- wrk: POST the order-sign request in REQUEST, each call with the next bearer token of TOKENS (a file, one
-- token per line; the server restarts for every run, so a token is used once per run). With MIX=1, one
-- call in ten is malformed JSON (400) and one in ten has no token (401). done() prints the answers by
-- status; "unexpected" counts those no call of the run should get (a 5xx, or a 400/401 without MIX).
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(os.getenv("REQUEST"), "r"))
  body = file:read("*a")
  file:close()
  tokens = {}
  if os.getenv("TOKENS") then
    for line in io.lines(os.getenv("TOKENS")) do
      table.insert(tokens, line)
    end
  end
  mix = os.getenv("MIX") == "1"
  stride = tonumber(os.getenv("THREADS") or "1")
  calls, ok, bad_request, unauthorized, unexpected = 0, 0, 0, 0, 0
end

function request()
  calls = calls + 1
  local headers = { ["Content-Type"] = "application/json" }
  local kind = mix and calls % 10 or -1
  -- This thread's share of the tokens: id, id + stride, id + 2 stride ...
  local token = tokens[id + (calls - 1) * stride]
  if kind ~= 5 and token then
    headers["Authorization"] = "Bearer " .. token
  end
  if kind == 0 then
    return wrk.format("POST", nil, headers, "{\"hook\": ")
  end
  return wrk.format("POST", nil, headers, body)
end

-- Responses come back per connection, not in the order this thread made requests, so they are counted
-- by status rather than matched to the call that asked.
function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif mix and status == 400 then
    bad_request = bad_request + 1
  elseif mix and status == 401 then
    unauthorized = unauthorized + 1
  else
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local counts = { ok = 0, bad_request = 0, unauthorized = 0, unexpected = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(counts) do
      counts[name] = counts[name] + thread:get(name)
    end
  end
  io.write(string.format("answers 200=%d 400=%d 401=%d unexpected=%d\n", counts.ok, counts.bad_request,
                         counts.unauthorized, counts.unexpected))
  io.write(string.format("latency-ms p50=%.2f p99=%.2f p99.9=%.2f\n", latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
