from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.flux_version import FluxVersion
from ...models.problem import Problem
from ...models.simulate_money_in import SimulateMoneyIn
from ...models.transaction import Transaction
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: SimulateMoneyIn,
    idempotency_key: str | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(flux_version, Unset):
        headers["Flux-Version"] = str(flux_version)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/sandbox/money-in",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Transaction | None:
    if response.status_code == 201:
        response_201 = Transaction.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

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
) -> Response[Problem | Transaction]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SimulateMoneyIn,
    idempotency_key: str | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[Problem | Transaction]:
    """Simulate a SPEI money-in (sandbox)

     Makes the Fincore emulator credit one of the client's accounts, as a real sender would; the credit
    reaches Flux by webhook like a real one.

    Args:
        idempotency_key (str | Unset): 1 to 255 visible ASCII characters; a UUID is a good choice
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (SimulateMoneyIn): Body of POST /api/sandbox/money-in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Transaction]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        flux_version=flux_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SimulateMoneyIn,
    idempotency_key: str | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> Problem | Transaction | None:
    """Simulate a SPEI money-in (sandbox)

     Makes the Fincore emulator credit one of the client's accounts, as a real sender would; the credit
    reaches Flux by webhook like a real one.

    Args:
        idempotency_key (str | Unset): 1 to 255 visible ASCII characters; a UUID is a good choice
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (SimulateMoneyIn): Body of POST /api/sandbox/money-in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Transaction
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        flux_version=flux_version,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SimulateMoneyIn,
    idempotency_key: str | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[Problem | Transaction]:
    """Simulate a SPEI money-in (sandbox)

     Makes the Fincore emulator credit one of the client's accounts, as a real sender would; the credit
    reaches Flux by webhook like a real one.

    Args:
        idempotency_key (str | Unset): 1 to 255 visible ASCII characters; a UUID is a good choice
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (SimulateMoneyIn): Body of POST /api/sandbox/money-in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Transaction]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        flux_version=flux_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SimulateMoneyIn,
    idempotency_key: str | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> Problem | Transaction | None:
    """Simulate a SPEI money-in (sandbox)

     Makes the Fincore emulator credit one of the client's accounts, as a real sender would; the credit
    reaches Flux by webhook like a real one.

    Args:
        idempotency_key (str | Unset): 1 to 255 visible ASCII characters; a UUID is a good choice
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (SimulateMoneyIn): Body of POST /api/sandbox/money-in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Transaction
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            flux_version=flux_version,
        )
    ).parsed
