from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.fincore_event import FincoreEvent
from ...models.inbound_ack import InboundAck
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: FincoreEvent | Unset = UNSET,
    x_webhook_token: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["X-Webhook-Token"] = x_webhook_token

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/webhooks/money-in",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> InboundAck | Problem | None:
    if response.status_code == 200:
        response_200 = InboundAck.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[InboundAck | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FincoreEvent | Unset = UNSET,
    x_webhook_token: str,
) -> Response[InboundAck | Problem]:
    """Receive a MONEY_IN event (Fincore → Flux)

     Called by the provider, not by partners. The event is stored raw before Flux answers 2xx, and
    deduplicated on `id_msg`.

    Args:
        x_webhook_token (str):
        body (FincoreEvent | Unset): A Fincore webhook event, as Fincore documents it: `id_msg`
            (its unique message id, by which
            a redelivery is recognised) is required. A body Flux cannot read (not JSON, no `id_msg`, a
            repeated key) is still stored and acknowledged with 200, `outcome: kept_for_review`, so
            Fincore stops redelivering it and an operator can look.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InboundAck | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        x_webhook_token=x_webhook_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: FincoreEvent | Unset = UNSET,
    x_webhook_token: str,
) -> InboundAck | Problem | None:
    """Receive a MONEY_IN event (Fincore → Flux)

     Called by the provider, not by partners. The event is stored raw before Flux answers 2xx, and
    deduplicated on `id_msg`.

    Args:
        x_webhook_token (str):
        body (FincoreEvent | Unset): A Fincore webhook event, as Fincore documents it: `id_msg`
            (its unique message id, by which
            a redelivery is recognised) is required. A body Flux cannot read (not JSON, no `id_msg`, a
            repeated key) is still stored and acknowledged with 200, `outcome: kept_for_review`, so
            Fincore stops redelivering it and an operator can look.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InboundAck | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        x_webhook_token=x_webhook_token,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FincoreEvent | Unset = UNSET,
    x_webhook_token: str,
) -> Response[InboundAck | Problem]:
    """Receive a MONEY_IN event (Fincore → Flux)

     Called by the provider, not by partners. The event is stored raw before Flux answers 2xx, and
    deduplicated on `id_msg`.

    Args:
        x_webhook_token (str):
        body (FincoreEvent | Unset): A Fincore webhook event, as Fincore documents it: `id_msg`
            (its unique message id, by which
            a redelivery is recognised) is required. A body Flux cannot read (not JSON, no `id_msg`, a
            repeated key) is still stored and acknowledged with 200, `outcome: kept_for_review`, so
            Fincore stops redelivering it and an operator can look.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InboundAck | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        x_webhook_token=x_webhook_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: FincoreEvent | Unset = UNSET,
    x_webhook_token: str,
) -> InboundAck | Problem | None:
    """Receive a MONEY_IN event (Fincore → Flux)

     Called by the provider, not by partners. The event is stored raw before Flux answers 2xx, and
    deduplicated on `id_msg`.

    Args:
        x_webhook_token (str):
        body (FincoreEvent | Unset): A Fincore webhook event, as Fincore documents it: `id_msg`
            (its unique message id, by which
            a redelivery is recognised) is required. A body Flux cannot read (not JSON, no `id_msg`, a
            repeated key) is still stored and acknowledged with 200, `outcome: kept_for_review`, so
            Fincore stops redelivering it and an operator can look.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InboundAck | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_webhook_token=x_webhook_token,
        )
    ).parsed
