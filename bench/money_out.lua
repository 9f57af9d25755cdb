-- wrk script: POST money-out with a unique Idempotency-Key per request.
-- Reads SOURCE, DEST, CLIENT and KEY from the environment.
-- thread_id is a global that setup() gives each thread (a `local` here would shadow it, and
-- both threads would then send the same ids).
local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-API-Key"] = os.getenv("KEY")
  wrk.body = string.format(
    '{"client_id":"%s","source_instrument_id":"%s","destination_instrument_id":"%s","transaction_request":{"external_reference":"BENCH","description":"bench","amount":"0.01","currency":"MXN"}}',
    os.getenv("CLIENT"), os.getenv("SOURCE"), os.getenv("DEST"))
  math.randomseed(os.time() + thread_id * 7919)
  run_tag = string.format("%d-%d-t%d", os.time(), math.random(1, 1000000000), thread_id)
end

function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run_tag, thread_id, counter)
  return wrk.format()
end

function response(status, headers, body)
  if status ~= 201 then
    errors_seen = (errors_seen or 0) + 1
    if errors_seen <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n") end
  end
end
