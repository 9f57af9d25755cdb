from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.flux_version import FluxVersion
from ...models.pin_encryption_key import PinEncryptionKey
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    flux_version: FluxVersion | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(flux_version, Unset):
        headers["Flux-Version"] = str(flux_version)

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/partners/cards/pin-encryption-key",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PinEncryptionKey | Problem | None:
    if response.status_code == 200:
        response_200 = PinEncryptionKey.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PinEncryptionKey | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[PinEncryptionKey | Problem]:
    """Get the PIN encryption key

     The RSA public key a PIN must be encrypted with before it is sent: Flux never receives a PIN in
    clear.

    Args:
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PinEncryptionKey | Problem]
    """

    kwargs = _get_kwargs(
        flux_version=flux_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    flux_version: FluxVersion | Unset = UNSET,
) -> PinEncryptionKey | Problem | None:
    """Get the PIN encryption key

     The RSA public key a PIN must be encrypted with before it is sent: Flux never receives a PIN in
    clear.

    Args:
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PinEncryptionKey | Problem
    """

    return sync_detailed(
        client=client,
        flux_version=flux_version,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[PinEncryptionKey | Problem]:
    """Get the PIN encryption key

     The RSA public key a PIN must be encrypted with before it is sent: Flux never receives a PIN in
    clear.

    Args:
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PinEncryptionKey | Problem]
    """

    kwargs = _get_kwargs(
        flux_version=flux_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    flux_version: FluxVersion | Unset = UNSET,
) -> PinEncryptionKey | Problem | None:
    """Get the PIN encryption key

     The RSA public key a PIN must be encrypted with before it is sent: Flux never receives a PIN in
    clear.

    Args:
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PinEncryptionKey | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            flux_version=flux_version,
        )
    ).parsed
