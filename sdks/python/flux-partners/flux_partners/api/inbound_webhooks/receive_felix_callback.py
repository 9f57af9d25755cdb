from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.receive_felix_callback_body_type_0 import ReceiveFelixCallbackBodyType0
from ...models.receive_felix_callback_response_200 import ReceiveFelixCallbackResponse200
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: None | ReceiveFelixCallbackBodyType0 | Unset = UNSET,
    x_flux_callback_secret: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["x-flux-callback-secret"] = x_flux_callback_secret

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/webhooks/felix",
    }

    if isinstance(body, ReceiveFelixCallbackBodyType0):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ReceiveFelixCallbackResponse200 | None:
    if response.status_code == 200:
        response_200 = ReceiveFelixCallbackResponse200.from_dict(response.json())

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
) -> Response[Problem | ReceiveFelixCallbackResponse200]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: None | ReceiveFelixCallbackBodyType0 | Unset = UNSET,
    x_flux_callback_secret: str,
) -> Response[Problem | ReceiveFelixCallbackResponse200]:
    """Receive a Félix callback (Félix → Flux)

     Called by Félix, not by partners. Stored raw before Flux answers.

    Args:
        x_flux_callback_secret (str):
        body (None | ReceiveFelixCallbackBodyType0 | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReceiveFelixCallbackResponse200]
    """

    kwargs = _get_kwargs(
        body=body,
        x_flux_callback_secret=x_flux_callback_secret,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: None | ReceiveFelixCallbackBodyType0 | Unset = UNSET,
    x_flux_callback_secret: str,
) -> Problem | ReceiveFelixCallbackResponse200 | None:
    """Receive a Félix callback (Félix → Flux)

     Called by Félix, not by partners. Stored raw before Flux answers.

    Args:
        x_flux_callback_secret (str):
        body (None | ReceiveFelixCallbackBodyType0 | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReceiveFelixCallbackResponse200
    """

    return sync_detailed(
        client=client,
        body=body,
        x_flux_callback_secret=x_flux_callback_secret,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: None | ReceiveFelixCallbackBodyType0 | Unset = UNSET,
    x_flux_callback_secret: str,
) -> Response[Problem | ReceiveFelixCallbackResponse200]:
    """Receive a Félix callback (Félix → Flux)

     Called by Félix, not by partners. Stored raw before Flux answers.

    Args:
        x_flux_callback_secret (str):
        body (None | ReceiveFelixCallbackBodyType0 | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReceiveFelixCallbackResponse200]
    """

    kwargs = _get_kwargs(
        body=body,
        x_flux_callback_secret=x_flux_callback_secret,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: None | ReceiveFelixCallbackBodyType0 | Unset = UNSET,
    x_flux_callback_secret: str,
) -> Problem | ReceiveFelixCallbackResponse200 | None:
    """Receive a Félix callback (Félix → Flux)

     Called by Félix, not by partners. Stored raw before Flux answers.

    Args:
        x_flux_callback_secret (str):
        body (None | ReceiveFelixCallbackBodyType0 | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReceiveFelixCallbackResponse200
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_flux_callback_secret=x_flux_callback_secret,
        )
    ).parsed
