-- wrk script: POST Fincore MONEY_IN webhooks to Flux, each with a unique id_msg (so each is a
-- new event: stored, a money-in recorded, a partner delivery queued, all durably, before 200).
-- Reads TOKEN (Flux's inbound token) and CLABE (an account Flux knows) from the environment.
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
  wrk.headers["X-Webhook-Token"] = os.getenv("INBOUND_TOKEN")
  math.randomseed(os.time() + thread_id * 7919)
  run_tag = string.format("%d-%d-t%d", os.time(), math.random(1, 1000000000), thread_id)
end

function request()
  counter = counter + 1
  local id = string.format("bench-%s-%d-%d", run_tag, thread_id, counter)
  wrk.body = string.format(
    '{"id_msg":"%s","msg_name":"MONEY_IN","msg_date":"2025-04-02","body":{"id":"prov-%s","beneficiary_account":"%s","payer_account":"137180210044008609","payer_name":"Juan Perez","amount":"1.00","tracking_key":"BENCH%d","payment_concept":"bench","sub_category":"SPEI_CREDIT"}}',
    id, id, os.getenv("CLABE"), counter)
  return wrk.format()
end

function response(status, headers, body)
  if string.find(body, '"duplicate":true', 1, true) then dups = (dups or 0) + 1 end
  if status ~= 200 then
    errors_seen = (errors_seen or 0) + 1
    if errors_seen <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n") end
  end
end

-- Every event must be new: a duplicate would be acknowledged without any work.
function done(summary, latency, requests)
  local dups = 0
  for _, t in ipairs(threads) do dups = dups + (t:get("dups") or 0) end
  if dups > 0 then io.stderr:write(string.format("duplicates acknowledged: %d\n", dups)) end
end
