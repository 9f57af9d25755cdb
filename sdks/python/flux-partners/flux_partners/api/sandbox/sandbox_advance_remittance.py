from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.advance_remittance import AdvanceRemittance
from ...models.flux_version import FluxVersion
from ...models.problem import Problem
from ...models.sandbox_advance_remittance_response_202 import SandboxAdvanceRemittanceResponse202
from ...types import UNSET, Response, Unset


def _get_kwargs(
    remittance_id: UUID,
    *,
    body: AdvanceRemittance | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(flux_version, Unset):
        headers["Flux-Version"] = str(flux_version)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/sandbox/remittances/{remittance_id}/advance".format(
            remittance_id=quote(str(remittance_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SandboxAdvanceRemittanceResponse202 | None:
    if response.status_code == 202:
        response_202 = SandboxAdvanceRemittanceResponse202.from_dict(response.json())

        return response_202

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
) -> Response[Problem | SandboxAdvanceRemittanceResponse202]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    remittance_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AdvanceRemittance | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[Problem | SandboxAdvanceRemittanceResponse202]:
    """Advance a remittance (sandbox)

     Moves the remittance at the Félix emulator to its next status, or to the one named; Félix reports
    the change to Flux by callback.

    Args:
        remittance_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (AdvanceRemittance | Unset): Body of POST …/advance (optional: no body advances one
            happy-path step).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SandboxAdvanceRemittanceResponse202]
    """

    kwargs = _get_kwargs(
        remittance_id=remittance_id,
        body=body,
        flux_version=flux_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    remittance_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AdvanceRemittance | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> Problem | SandboxAdvanceRemittanceResponse202 | None:
    """Advance a remittance (sandbox)

     Moves the remittance at the Félix emulator to its next status, or to the one named; Félix reports
    the change to Flux by callback.

    Args:
        remittance_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (AdvanceRemittance | Unset): Body of POST …/advance (optional: no body advances one
            happy-path step).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SandboxAdvanceRemittanceResponse202
    """

    return sync_detailed(
        remittance_id=remittance_id,
        client=client,
        body=body,
        flux_version=flux_version,
    ).parsed


async def asyncio_detailed(
    remittance_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AdvanceRemittance | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[Problem | SandboxAdvanceRemittanceResponse202]:
    """Advance a remittance (sandbox)

     Moves the remittance at the Félix emulator to its next status, or to the one named; Félix reports
    the change to Flux by callback.

    Args:
        remittance_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (AdvanceRemittance | Unset): Body of POST …/advance (optional: no body advances one
            happy-path step).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SandboxAdvanceRemittanceResponse202]
    """

    kwargs = _get_kwargs(
        remittance_id=remittance_id,
        body=body,
        flux_version=flux_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    remittance_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AdvanceRemittance | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> Problem | SandboxAdvanceRemittanceResponse202 | None:
    """Advance a remittance (sandbox)

     Moves the remittance at the Félix emulator to its next status, or to the one named; Félix reports
    the change to Flux by callback.

    Args:
        remittance_id (UUID):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed
        body (AdvanceRemittance | Unset): Body of POST …/advance (optional: no body advances one
            happy-path step).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SandboxAdvanceRemittanceResponse202
    """

    return (
        await asyncio_detailed(
            remittance_id=remittance_id,
            client=client,
            body=body,
            flux_version=flux_version,
        )
    ).parsed
