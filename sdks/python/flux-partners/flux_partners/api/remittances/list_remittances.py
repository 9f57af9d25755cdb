import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.flux_version import FluxVersion
from ...models.list_remittances_status import ListRemittancesStatus
from ...models.page_remittance import PageRemittance
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    client_id: UUID,
    *,
    status: ListRemittancesStatus | Unset = UNSET,
    created_from: datetime.datetime | Unset = UNSET,
    created_to: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    starting_after: UUID | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(flux_version, Unset):
        headers["Flux-Version"] = str(flux_version)

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_created_from: str | Unset = UNSET
    if not isinstance(created_from, Unset):
        json_created_from = created_from.isoformat()
    params["created_from"] = json_created_from

    json_created_to: str | Unset = UNSET
    if not isinstance(created_to, Unset):
        json_created_to = created_to.isoformat()
    params["created_to"] = json_created_to

    params["page"] = page

    params["per_page"] = per_page

    json_starting_after: str | Unset = UNSET
    if not isinstance(starting_after, Unset):
        json_starting_after = str(starting_after)
    params["starting_after"] = json_starting_after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/partners/clients/{client_id}/remittances".format(
            client_id=quote(str(client_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageRemittance | Problem | None:
    if response.status_code == 200:
        response_200 = PageRemittance.from_dict(response.json())

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
) -> Response[PageRemittance | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    client_id: UUID,
    *,
    client: AuthenticatedClient,
    status: ListRemittancesStatus | Unset = UNSET,
    created_from: datetime.datetime | Unset = UNSET,
    created_to: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    starting_after: UUID | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[PageRemittance | Problem]:
    """List the client's remittances

    Args:
        client_id (UUID):
        status (ListRemittancesStatus | Unset):
        created_from (datetime.datetime | Unset):
        created_to (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        starting_after (UUID | Unset):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageRemittance | Problem]
    """

    kwargs = _get_kwargs(
        client_id=client_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
        page=page,
        per_page=per_page,
        starting_after=starting_after,
        flux_version=flux_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    client_id: UUID,
    *,
    client: AuthenticatedClient,
    status: ListRemittancesStatus | Unset = UNSET,
    created_from: datetime.datetime | Unset = UNSET,
    created_to: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    starting_after: UUID | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> PageRemittance | Problem | None:
    """List the client's remittances

    Args:
        client_id (UUID):
        status (ListRemittancesStatus | Unset):
        created_from (datetime.datetime | Unset):
        created_to (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        starting_after (UUID | Unset):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageRemittance | Problem
    """

    return sync_detailed(
        client_id=client_id,
        client=client,
        status=status,
        created_from=created_from,
        created_to=created_to,
        page=page,
        per_page=per_page,
        starting_after=starting_after,
        flux_version=flux_version,
    ).parsed


async def asyncio_detailed(
    client_id: UUID,
    *,
    client: AuthenticatedClient,
    status: ListRemittancesStatus | Unset = UNSET,
    created_from: datetime.datetime | Unset = UNSET,
    created_to: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    starting_after: UUID | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> Response[PageRemittance | Problem]:
    """List the client's remittances

    Args:
        client_id (UUID):
        status (ListRemittancesStatus | Unset):
        created_from (datetime.datetime | Unset):
        created_to (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        starting_after (UUID | Unset):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageRemittance | Problem]
    """

    kwargs = _get_kwargs(
        client_id=client_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
        page=page,
        per_page=per_page,
        starting_after=starting_after,
        flux_version=flux_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    client_id: UUID,
    *,
    client: AuthenticatedClient,
    status: ListRemittancesStatus | Unset = UNSET,
    created_from: datetime.datetime | Unset = UNSET,
    created_to: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    starting_after: UUID | Unset = UNSET,
    flux_version: FluxVersion | Unset = UNSET,
) -> PageRemittance | Problem | None:
    """List the client's remittances

    Args:
        client_id (UUID):
        status (ListRemittancesStatus | Unset):
        created_from (datetime.datetime | Unset):
        created_to (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        starting_after (UUID | Unset):
        flux_version (FluxVersion | Unset): An API version: the date its shapes were fixed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageRemittance | Problem
    """

    return (
        await asyncio_detailed(
            client_id=client_id,
            client=client,
            status=status,
            created_from=created_from,
            created_to=created_to,
            page=page,
            per_page=per_page,
            starting_after=starting_after,
            flux_version=flux_version,
        )
    ).parsed
