-- wrk: POST the order-sign request in REQUEST, each call with the next bearer token of TOKENS (a file, one
-- token per line; the server restarts for every run, so a token is used once per run). With MIX=1, one
-- call in ten is malformed JSON (expect 400) and one in ten has no token (expect 401). done() prints how
-- many answers were what the call expected, and how many were not (errors).
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
  calls, expected, unexpected = 0, 0, 0
  want = {}
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
    table.insert(want, 400)
    return wrk.format("POST", nil, headers, "{\"hook\": ")
  end
  table.insert(want, (kind == 5 and #tokens > 0) and 401 or 200)
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  local wanted = table.remove(want, 1)
  if status == wanted then
    expected = expected + 1
  else
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local good, bad = 0, 0
  for _, thread in ipairs(threads) do
    good = good + thread:get("expected")
    bad = bad + thread:get("unexpected")
  end
  io.write(string.format("answers-as-expected=%d unexpected=%d\n", good, bad))
  io.write(string.format("latency-ms p50=%.2f p99=%.2f p99.9=%.2f\n", latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
