-- wrk script: create remittances, each request a new one.
--   MODE=flux:   POST …/clients/{CLIENT}/remittances through Flux (X-API-Key KEY), the body
--                fixed and a unique Idempotency-Key per request;
--   MODE=direct: POST /api/v1/transactions straight to the Félix emulator (Bearer TOKEN), the
--                same remittance as Flux sends it, with a unique external_transaction_id.
-- thread_id is a global that setup() gives each thread (a `local` would shadow it, and both
-- threads would then send the same ids).
local counter = 0
local threads = {}
local mode = os.getenv("MODE") or "flux"

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

local flux_body = [[{"amount":"1500.50","currency":"MXN","external_reference":"bench","beneficiary":{"name":"María","lastname":"López","country":"MX","city":"Guadalajara","state":"Jalisco","account":{"type":"clabe","number":"072691004495711499","bank_code":"072","account_type":"C"},"rfc":"LOMM800101AB1"},"metadata":{"order":17}}]]

local direct_body = [[{"amount":1500.50,"currency":"MXN","beneficiary_name":"María","beneficiary_lastname":"López","country":"MX","city":"Guadalajara","state":"Jalisco","external_transaction_id":"%s","account_identifier_type":"clabe","bank_code":"072","account_identifier_number":"072691004495711499","account_type":"C","beneficiary_identifier":"LOMM800101AB1","beneficiary_identifier_type":"RFC"}]]

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if mode == "direct" then
    wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
  else
    wrk.headers["X-API-Key"] = os.getenv("KEY")
    wrk.body = flux_body
  end
  math.randomseed(os.time() + thread_id * 7919)
  run_tag = string.format("%d-%d-t%d", os.time(), math.random(1, 1000000000), thread_id)
end

function request()
  counter = counter + 1
  local id = string.format("bench-%s-%d", run_tag, counter)
  if mode == "direct" then
    return wrk.format(nil, nil, nil, string.format(direct_body, id))
  end
  wrk.headers["Idempotency-Key"] = id
  return wrk.format()
end

function response(status, headers, body)
  if status ~= 201 or headers["Idempotency-Replayed"] then
    errors_seen = (errors_seen or 0) + 1
    if errors_seen <= 3 then io.stderr:write("unexpected answer " .. status .. ": " .. body .. "\n") end
  end
end
