-- wrk script: fund virtual cards, 0.01 each, each request a new funding, spread over the cards.
--   MODE=flux:   POST …/clients/{CLIENT}/cards/{cardId}/fund through Flux (X-API-Key KEY) with a
--                unique Idempotency-Key per request; CARDS: Flux's card ids, space-separated;
--   MODE=direct: POST /v1/cards/payment straight to the NeCIPCo emulator (Bearer TOKEN), the
--                card given by its NeCIPCo id (accepted in place of the number, no RSA);
--                CARDS: the emulator's card ids; PREFIX: the emulator's base path (/v1).
-- thread_id is a global that setup() gives each thread (a `local` would shadow it).
local counter = 0
local threads = {}
local mode = os.getenv("MODE") or "flux"
local cards = {}
for id in string.gmatch(os.getenv("CARDS") or "", "%S+") do table.insert(cards, id) end

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

local flux_body = [[{"amount":"0.01","latitude":"19.43260","longitude":"-99.13320"}]]
local direct_body = [[{"card_number":"%s","amount":0.01,"payment_description":"bench","latitude":19.43260,"longitude":-99.13320}]]

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
  base = os.getenv("BASE_PATH") or ""
end

function request()
  counter = counter + 1
  -- Round robin, each thread starting elsewhere: 32 connections over 16 cards.
  local card = cards[((counter + thread_id * 7) % #cards) + 1]
  if mode == "direct" then
    return wrk.format(nil, base .. "/v1/cards/payment", nil, string.format(direct_body, card))
  end
  wrk.headers["Idempotency-Key"] = string.format("bench-%s-%d", run_tag, counter)
  return wrk.format(nil, base .. "/cards/" .. card .. "/fund")
end

function response(status, headers, body)
  local want = mode == "direct" and 200 or 201
  if status ~= want or headers["Idempotency-Replayed"] then
    errors_seen = (errors_seen or 0) + 1
    if errors_seen <= 3 then io.stderr:write("unexpected answer " .. status .. ": " .. body .. "\n") end
  end
end
