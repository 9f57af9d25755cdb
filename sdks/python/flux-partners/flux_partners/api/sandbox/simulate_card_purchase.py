from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.flux_version import FluxVersion
from ...models.new_sandbox_purchase import NewSandboxPurchase
from ...models.problem import Problem
from ...models.sandbox_purchase import SandboxPurchase
from ...types import UNSET, Response, Unset


def _get_kwargs(
    card_id: UUID,
    *,
    body: NewSandboxPurchase,
    flux_version: FluxVersion | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(flux_version, Unset):
        headers["Flux-Version"] = str(flux_version)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/sandbox/cards/{card_id}/purchase".format(
            card_id=quote(str(card_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SandboxPurchase | None:
    if response.status_code == 200:
        response_200 = SandboxPurchase.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Problem | SandboxPurchase]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    card_id: UUID,
    *,
    client: AuthenticatedClient,
    body: NewSandboxPurchase,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[Problem | SandboxPurchase]:
    """Simulate a card purchase (sandbox)

     Makes the NeCIPCo emulator record a purchase on the card, as a merchant would.

    Args:
        card_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (NewSandboxPurchase): `POST /api/sandbox/cards/{cardId}/purchase`: a purchase as a
            merchant's terminal sends it.
            `latitude` and `longitude` come together or not at all (then a terminal in Mexico City).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SandboxPurchase]
    """

    kwargs = _get_kwargs(
        card_id=card_id,
        body=body,
        flux_version=flux_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    card_id: UUID,
    *,
    client: AuthenticatedClient,
    body: NewSandboxPurchase,
    flux_version: FluxVersion | Unset = UNSET,
) -> Problem | SandboxPurchase | None:
    """Simulate a card purchase (sandbox)

     Makes the NeCIPCo emulator record a purchase on the card, as a merchant would.

    Args:
        card_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (NewSandboxPurchase): `POST /api/sandbox/cards/{cardId}/purchase`: a purchase as a
            merchant's terminal sends it.
            `latitude` and `longitude` come together or not at all (then a terminal in Mexico City).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SandboxPurchase
    """

    return sync_detailed(
        card_id=card_id,
        client=client,
        body=body,
        flux_version=flux_version,
    ).parsed


async def asyncio_detailed(
    card_id: UUID,
    *,
    client: AuthenticatedClient,
    body: NewSandboxPurchase,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[Problem | SandboxPurchase]:
    """Simulate a card purchase (sandbox)

     Makes the NeCIPCo emulator record a purchase on the card, as a merchant would.

    Args:
        card_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (NewSandboxPurchase): `POST /api/sandbox/cards/{cardId}/purchase`: a purchase as a
            merchant's terminal sends it.
            `latitude` and `longitude` come together or not at all (then a terminal in Mexico City).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SandboxPurchase]
    """

    kwargs = _get_kwargs(
        card_id=card_id,
        body=body,
        flux_version=flux_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    card_id: UUID,
    *,
    client: AuthenticatedClient,
    body: NewSandboxPurchase,
    flux_version: FluxVersion | Unset = UNSET,
) -> Problem | SandboxPurchase | None:
    """Simulate a card purchase (sandbox)

     Makes the NeCIPCo emulator record a purchase on the card, as a merchant would.

    Args:
        card_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (NewSandboxPurchase): `POST /api/sandbox/cards/{cardId}/purchase`: a purchase as a
            merchant's terminal sends it.
            `latitude` and `longitude` come together or not at all (then a terminal in Mexico City).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SandboxPurchase
    """

    return (
        await asyncio_detailed(
            card_id=card_id,
            client=client,
            body=body,
            flux_version=flux_version,
        )
    ).parsed
