from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.card_transfer import CardTransfer
from ...models.flux_version import FluxVersion
from ...models.new_card_transfer import NewCardTransfer
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    client_id: UUID,
    card_id: UUID,
    *,
    body: NewCardTransfer,
    idempotency_key: str,
    flux_version: FluxVersion | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key

    if not isinstance(flux_version, Unset):
        headers["Flux-Version"] = str(flux_version)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/partners/clients/{client_id}/cards/{card_id}/return".format(
            client_id=quote(str(client_id), safe=""),
            card_id=quote(str(card_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CardTransfer | Problem | None:
    if response.status_code == 201:
        response_201 = CardTransfer.from_dict(response.json())

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

    if response.status_code == 502:
        response_502 = Problem.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = Problem.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CardTransfer | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    client_id: UUID,
    card_id: UUID,
    *,
    client: AuthenticatedClient,
    body: NewCardTransfer,
    idempotency_key: str,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[CardTransfer | Problem]:
    """Return a card's money to the program

     Needs an `Idempotency-Key`; decided as fundings are.

    Args:
        client_id (UUID):
        card_id (UUID):
        idempotency_key (str): 1 to 255 visible ASCII characters; a UUID is a good choice
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (NewCardTransfer): A funding or return as the partner asks for it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CardTransfer | Problem]
    """

    kwargs = _get_kwargs(
        client_id=client_id,
        card_id=card_id,
        body=body,
        idempotency_key=idempotency_key,
        flux_version=flux_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    client_id: UUID,
    card_id: UUID,
    *,
    client: AuthenticatedClient,
    body: NewCardTransfer,
    idempotency_key: str,
    flux_version: FluxVersion | Unset = UNSET,
) -> CardTransfer | Problem | None:
    """Return a card's money to the program

     Needs an `Idempotency-Key`; decided as fundings are.

    Args:
        client_id (UUID):
        card_id (UUID):
        idempotency_key (str): 1 to 255 visible ASCII characters; a UUID is a good choice
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (NewCardTransfer): A funding or return as the partner asks for it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CardTransfer | Problem
    """

    return sync_detailed(
        client_id=client_id,
        card_id=card_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        flux_version=flux_version,
    ).parsed


async def asyncio_detailed(
    client_id: UUID,
    card_id: UUID,
    *,
    client: AuthenticatedClient,
    body: NewCardTransfer,
    idempotency_key: str,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[CardTransfer | Problem]:
    """Return a card's money to the program

     Needs an `Idempotency-Key`; decided as fundings are.

    Args:
        client_id (UUID):
        card_id (UUID):
        idempotency_key (str): 1 to 255 visible ASCII characters; a UUID is a good choice
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (NewCardTransfer): A funding or return as the partner asks for it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CardTransfer | Problem]
    """

    kwargs = _get_kwargs(
        client_id=client_id,
        card_id=card_id,
        body=body,
        idempotency_key=idempotency_key,
        flux_version=flux_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    client_id: UUID,
    card_id: UUID,
    *,
    client: AuthenticatedClient,
    body: NewCardTransfer,
    idempotency_key: str,
    flux_version: FluxVersion | Unset = UNSET,
) -> CardTransfer | Problem | None:
    """Return a card's money to the program

     Needs an `Idempotency-Key`; decided as fundings are.

    Args:
        client_id (UUID):
        card_id (UUID):
        idempotency_key (str): 1 to 255 visible ASCII characters; a UUID is a good choice
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (NewCardTransfer): A funding or return as the partner asks for it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CardTransfer | Problem
    """

    return (
        await asyncio_detailed(
            client_id=client_id,
            card_id=card_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            flux_version=flux_version,
        )
    ).parsed
