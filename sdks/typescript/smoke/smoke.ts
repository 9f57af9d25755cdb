// The README's SPEI tour through the generated TypeScript SDK, against a running `flux serve`
// (sandbox): private account, instrument, money-out with an Idempotency-Key (and its replay),
// the transactions list, and webhook create, get, update, list and delete.
//
//   FLUX_BASE_URL=http://127.0.0.1:8000 FLUX_API_KEY=... npm run smoke
//
// It is compiled with `tsc --strict` first, so a request the document's types refuse fails
// before anything is sent.
import { client } from "../src/client/client.gen.js";
import {
  createMoneyOut,
  createPrivateAccount,
  createWebhook,
  deleteWebhook,
  getInstrument,
  getTransaction,
  getWebhook,
  listAccounts,
  listTransactions,
  listWebhooks,
  registerInstrument,
  updateWebhook,
} from "../src/client/sdk.gen.js";
import type { FluxVersion, MoneyOut } from "../src/client/types.gen.js";

const clientId = "205ae70f-ab7e-4b8d-85be-ac16f47c8983"; // the sandbox's demo client
const bank = "9d84b03a-28d1-4898-a69c-38824239e2b1"; // the seed's bank
// Pin the version the SDK was generated from, as docs/API_VERSIONING.md asks.
const version: FluxVersion = "2026-11-30";

function fail(what: string): never {
  console.error(`typescript sdk: ${what}`);
  process.exit(1);
}

/** The answer's data, or exit naming the call and Flux's problem. */
function ok<T>(
  what: string,
  r: { data?: T; error?: unknown; response?: Response },
  status = 200,
): T {
  if (r.response?.status !== status || r.data === undefined) {
    fail(`${what}: expected ${status}, got ${r.response?.status}: ${JSON.stringify(r.error)}`);
  }
  if (r.response.headers.get("Flux-Version") !== version) {
    fail(`${what}: answered without Flux-Version ${version}`);
  }
  return r.data;
}

async function main() {
  client.setConfig({
    baseUrl: process.env.FLUX_BASE_URL ?? fail("FLUX_BASE_URL is not set"),
    headers: {
      "X-API-Key": process.env.FLUX_API_KEY ?? fail("FLUX_API_KEY is not set"),
      "Flux-Version": version,
    },
  });
  const path = { clientId };

  const accounts = ok("list accounts", await listAccounts({ path }));
  const source = accounts.data[0]?.instrument_id ?? fail("the demo client has no account");
  console.log(`accounts: ${accounts.data.length}, source instrument ${source}`);

  const priv = ok(
    "create private account",
    await createPrivateAccount({
      path,
      body: {
        bank_id: bank,
        owner_id: clientId,
        client_bank_adapter_id: "9c40bd38-e68d-41c5-9baa-ad6508aa3cc0",
        client_id: clientId,
        account_id: "00000000-0000-0000-0000-000000000000",
      },
    }),
    201,
  );
  console.log(`private account: ${priv.id}`);

  const card = ok(
    "register instrument",
    await registerInstrument({
      path,
      body: {
        instrumentKind: "debit_card",
        source_bank_id: bank,
        client_id: clientId,
        type: "RECEIVER",
        rfc: "ND",
        alias: "Tarjeta ABC123",
        debit_card: {
          destination_bank_id: "3054ff18-32a0-478d-b9fe-b5261f9a6e1f",
          card_number: "4772130000000003",
          holder_name: "John Smith",
        },
      },
    }),
    201,
  );
  const same = ok("get instrument", await getInstrument({ path: { clientId, instrumentId: card.id } }));
  if (same.id !== card.id) fail(`get instrument answered ${same.id}, not ${card.id}`);
  console.log(`instrument: ${card.id}`);

  const body: MoneyOut = {
    client_id: clientId,
    source_instrument_id: source,
    destination_instrument_id: card.id,
    transaction_request: {
      external_reference: "INV-0001",
      description: "Pago proveedor",
      amount: "100.00",
      currency: "MXN",
    },
  };
  const headers = { "Idempotency-Key": crypto.randomUUID() };
  const first = await createMoneyOut({ body, headers });
  const status = first.response?.status ?? 0;
  const sent = ok("money-out", first, status >= 200 && status < 300 ? status : 201);
  const again = await createMoneyOut({ body, headers });
  const replayed = ok("money-out again", again, status);
  if (replayed.id !== sent.id) fail("a retry with the same Idempotency-Key made a second money-out");
  if (again.response?.headers.get("Idempotency-Replayed") !== "true") fail("the retry was not a replay");
  if (sent.amount !== "100.00") fail(`amount ${sent.amount}`);
  console.log(`money-out: ${sent.id} ${sent.status}, replayed with the same key`);

  const fetched = ok("get transaction", await getTransaction({ path: { clientId, transactionId: sent.id } }));
  if (fetched.id !== sent.id) fail("get transaction answered another id");
  const page = ok("list transactions", await listTransactions({ path, query: { kind: "MONEY_OUT" } }));
  if (!page.data.some((t) => t.id === sent.id)) fail("the money-out is not in the list");
  console.log(`transactions: ${page.pagination.total_items} money-outs`);

  const hook = ok(
    "create webhook",
    await createWebhook({
      path,
      body: {
        client_id: clientId,
        url: "https://tu-dominio.com/webhooks/money-in",
        token: "secretToken0123",
        webhook_type: "MONEY_IN",
      },
    }),
    201,
  );
  if (!hook.secret?.startsWith("whsec_")) fail("no signing secret on creation");
  const hookPath = { clientId, id: hook.id };
  ok("get webhook", await getWebhook({ path: hookPath }));
  const patched = ok(
    "update webhook",
    await updateWebhook({
      path: hookPath,
      body: { url: "https://example.com/new-webhook", webhook_status: "ACTIVE" },
    }),
  );
  if (patched.url !== "https://example.com/new-webhook") fail(`update kept ${patched.url}`);
  const hooks = ok("list webhooks", await listWebhooks({ path }));
  if (!hooks.data.some((h) => h.id === hook.id)) fail("the webhook is not in the list");
  const gone = await deleteWebhook({ path: hookPath });
  if (gone.response?.status !== 204) fail(`delete answered ${gone.response?.status}`);
  const missing = await getWebhook({ path: hookPath });
  if (missing.response?.status !== 404 || missing.error?.code !== "not_found") {
    fail(`a deleted webhook answered ${missing.response?.status}`);
  }
  console.log(`webhook: ${hook.id} created, read, updated, listed, deleted`);
  console.log("typescript sdk: SPEI tour passed");
}

await main();
