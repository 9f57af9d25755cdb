from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.card import Card
from ...models.card_location import CardLocation
from ...models.flux_version import FluxVersion
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    client_id: UUID,
    card_id: UUID,
    *,
    body: CardLocation,
    flux_version: FluxVersion | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(flux_version, Unset):
        headers["Flux-Version"] = str(flux_version)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/partners/clients/{client_id}/cards/{card_id}/freeze".format(
            client_id=quote(str(client_id), safe=""),
            card_id=quote(str(card_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Card | Problem | None:
    if response.status_code == 200:
        response_200 = Card.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Card | Problem]:
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
    body: CardLocation,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[Card | Problem]:
    """Freeze a card

     Declines new purchases until the card is unfrozen.

    Args:
        client_id (UUID):
        card_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (CardLocation): The end user's location, the body of the lifecycle actions (activate,
            freeze, unfreeze,
            close). Read by [`location`]; this states the same rules for the document.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Card | Problem]
    """

    kwargs = _get_kwargs(
        client_id=client_id,
        card_id=card_id,
        body=body,
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
    body: CardLocation,
    flux_version: FluxVersion | Unset = UNSET,
) -> Card | Problem | None:
    """Freeze a card

     Declines new purchases until the card is unfrozen.

    Args:
        client_id (UUID):
        card_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (CardLocation): The end user's location, the body of the lifecycle actions (activate,
            freeze, unfreeze,
            close). Read by [`location`]; this states the same rules for the document.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Card | Problem
    """

    return sync_detailed(
        client_id=client_id,
        card_id=card_id,
        client=client,
        body=body,
        flux_version=flux_version,
    ).parsed


async def asyncio_detailed(
    client_id: UUID,
    card_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CardLocation,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[Card | Problem]:
    """Freeze a card

     Declines new purchases until the card is unfrozen.

    Args:
        client_id (UUID):
        card_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (CardLocation): The end user's location, the body of the lifecycle actions (activate,
            freeze, unfreeze,
            close). Read by [`location`]; this states the same rules for the document.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Card | Problem]
    """

    kwargs = _get_kwargs(
        client_id=client_id,
        card_id=card_id,
        body=body,
        flux_version=flux_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    client_id: UUID,
    card_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CardLocation,
    flux_version: FluxVersion | Unset = UNSET,
) -> Card | Problem | None:
    """Freeze a card

     Declines new purchases until the card is unfrozen.

    Args:
        client_id (UUID):
        card_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (CardLocation): The end user's location, the body of the lifecycle actions (activate,
            freeze, unfreeze,
            close). Read by [`location`]; this states the same rules for the document.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Card | Problem
    """

    return (
        await asyncio_detailed(
            client_id=client_id,
            card_id=card_id,
            client=client,
            body=body,
            flux_version=flux_version,
        )
    ).parsed
