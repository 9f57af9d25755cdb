"""The README's SPEI tour through the generated Python SDK, against a running `flux serve`
(sandbox): private account, instrument, money-out with an Idempotency-Key (and its replay),
the transactions list, and webhook create, get, update, list and delete.

    FLUX_BASE_URL=http://127.0.0.1:8000 FLUX_API_KEY=... \
        PYTHONPATH=sdks/python/flux-partners python3 sdks/python/smoke.py

Every answer is parsed by the SDK's own models: a shape the document gets wrong fails here.
"""

import os
import sys
import uuid
from http import HTTPStatus

from flux_partners import AuthenticatedClient
from flux_partners.api.accounts import create_private_account, list_accounts
from flux_partners.api.instruments import get_instrument, register_instrument
from flux_partners.api.transactions import create_money_out, get_transaction, list_transactions
from flux_partners.api.webhooks import create_webhook, delete_webhook, get_webhook, list_webhooks, update_webhook
from flux_partners.models import (
    CreatePrivateAccount,
    CreateWebhook,
    FluxVersion,
    ListTransactionsKind,
    MoneyOut,
    Problem,
    RegisterInstrument,
    UpdateWebhook,
)

CLIENT = uuid.UUID("205ae70f-ab7e-4b8d-85be-ac16f47c8983")  # the sandbox's demo client
BANK = "9d84b03a-28d1-4898-a69c-38824239e2b1"  # the seed's bank
CARD_BANK = "3054ff18-32a0-478d-b9fe-b5261f9a6e1f"


def ok(response, status=HTTPStatus.OK):
    """The parsed answer, or exit naming the call and what Flux said."""
    if response.status_code != status or isinstance(response.parsed, Problem):
        sys.exit(f"expected {status}, got {response.status_code}: {response.content[:400]!r}")
    if response.headers.get("Flux-Version") != FluxVersion.VALUE_0.value:
        sys.exit(f"answer without the pinned Flux-Version: {response.headers}")
    return response.parsed


def main():
    client = AuthenticatedClient(
        base_url=os.environ["FLUX_BASE_URL"],
        token=os.environ["FLUX_API_KEY"],
        prefix="",
        auth_header_name="X-API-Key",
        # Pin the version the SDK was generated from, as docs/API_VERSIONING.md asks.
        headers={"Flux-Version": FluxVersion.VALUE_0.value},
        raise_on_unexpected_status=True,
    )
    with client:
        accounts = ok(list_accounts.sync_detailed(CLIENT, client=client))
        source = accounts.data[0].instrument_id
        print(f"accounts: {len(accounts.data)}, source instrument {source}")

        private = ok(
            create_private_account.sync_detailed(
                CLIENT,
                client=client,
                body=CreatePrivateAccount.from_dict(
                    {
                        "bank_id": BANK,
                        "owner_id": str(CLIENT),
                        "client_bank_adapter_id": "9c40bd38-e68d-41c5-9baa-ad6508aa3cc0",
                        "client_id": str(CLIENT),
                        "account_id": "00000000-0000-0000-0000-000000000000",
                    }
                ),
            ),
            HTTPStatus.CREATED,
        )
        print(f"private account: {private.id}")

        card = ok(
            register_instrument.sync_detailed(
                CLIENT,
                client=client,
                body=RegisterInstrument.from_dict(
                    {
                        "instrumentKind": "debit_card",
                        "source_bank_id": BANK,
                        "client_id": str(CLIENT),
                        "type": "RECEIVER",
                        "rfc": "ND",
                        "alias": "Tarjeta ABC123",
                        "debit_card": {
                            "destination_bank_id": CARD_BANK,
                            "card_number": "4772130000000003",
                            "holder_name": "John Smith",
                        },
                    }
                ),
            ),
            HTTPStatus.CREATED,
        )
        same = ok(get_instrument.sync_detailed(CLIENT, card.id, client=client))
        assert same.id == card.id, (same, card)
        print(f"instrument: {card.id}")

        key = str(uuid.uuid4())
        body = MoneyOut.from_dict(
            {
                "client_id": str(CLIENT),
                "source_instrument_id": str(source),
                "destination_instrument_id": str(card.id),
                "transaction_request": {
                    "external_reference": "INV-0001",
                    "description": "Pago proveedor",
                    "amount": "100.00",
                    "currency": "MXN",
                },
            }
        )
        first = create_money_out.sync_detailed(client=client, body=body, idempotency_key=key)
        sent = ok(first, HTTPStatus(first.status_code))
        again = create_money_out.sync_detailed(client=client, body=body, idempotency_key=key)
        replayed = ok(again, HTTPStatus(first.status_code))
        assert replayed.id == sent.id, "a retry with the same Idempotency-Key made a second money-out"
        assert again.headers.get("Idempotency-Replayed") == "true", again.headers
        assert sent.amount == "100.00", sent.amount
        print(f"money-out: {sent.id} {sent.status}, replayed with the same key")

        fetched = ok(get_transaction.sync_detailed(CLIENT, sent.id, client=client))
        assert fetched.id == sent.id
        page = ok(list_transactions.sync_detailed(CLIENT, client=client, kind=ListTransactionsKind.MONEY_OUT))
        assert any(t.id == sent.id for t in page.data), "the money-out is not in the list"
        print(f"transactions: {page.pagination.total_items} money-outs")

        hook = ok(
            create_webhook.sync_detailed(
                CLIENT,
                client=client,
                body=CreateWebhook.from_dict(
                    {
                        "client_id": str(CLIENT),
                        "url": "https://tu-dominio.com/webhooks/money-in",
                        "token": "secretToken0123",
                        "webhook_type": "MONEY_IN",
                    }
                ),
            ),
            HTTPStatus.CREATED,
        )
        assert hook.secret and hook.secret.startswith("whsec_"), "no signing secret on creation"
        ok(get_webhook.sync_detailed(CLIENT, hook.id, client=client))
        patched = ok(
            update_webhook.sync_detailed(
                CLIENT,
                hook.id,
                client=client,
                body=UpdateWebhook.from_dict({"url": "https://example.com/new-webhook", "webhook_status": "ACTIVE"}),
            )
        )
        assert patched.url == "https://example.com/new-webhook", patched.url
        hooks = ok(list_webhooks.sync_detailed(CLIENT, client=client))
        assert any(h.id == hook.id for h in hooks.data)
        gone = delete_webhook.sync_detailed(CLIENT, hook.id, client=client)
        assert gone.status_code == HTTPStatus.NO_CONTENT, gone.status_code
        missing = get_webhook.sync_detailed(CLIENT, hook.id, client=client)
        assert missing.status_code == HTTPStatus.NOT_FOUND and isinstance(missing.parsed, Problem)
        assert missing.parsed.code.value == "not_found", missing.parsed.code
        print(f"webhook: {hook.id} created, read, updated, listed, deleted")
    print("python sdk: SPEI tour passed")


if __name__ == "__main__":
    main()
