from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.money_out_details import MoneyOutDetails


T = TypeVar("T", bound="MoneyOut")


@_attrs_define
class MoneyOut:
    """Body of POST /api/partners/transactions/money-out (the seed's shape).

    Attributes:
        client_id (UUID):
        destination_instrument_id (UUID): Must differ from `source_instrument_id`.
        source_instrument_id (UUID): A private account's instrument (see `instrument_id` in GET …/accounts).
        transaction_request (MoneyOutDetails):
    """

    client_id: UUID
    destination_instrument_id: UUID
    source_instrument_id: UUID
    transaction_request: MoneyOutDetails

    def to_dict(self) -> dict[str, Any]:
        client_id = str(self.client_id)

        destination_instrument_id = str(self.destination_instrument_id)

        source_instrument_id = str(self.source_instrument_id)

        transaction_request = self.transaction_request.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "client_id": client_id,
                "destination_instrument_id": destination_instrument_id,
                "source_instrument_id": source_instrument_id,
                "transaction_request": transaction_request,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money_out_details import MoneyOutDetails  # noqa: PLC0415

        d = dict(src_dict)
        client_id = UUID(d.pop("client_id"))

        destination_instrument_id = UUID(d.pop("destination_instrument_id"))

        source_instrument_id = UUID(d.pop("source_instrument_id"))

        transaction_request = MoneyOutDetails.from_dict(d.pop("transaction_request"))

        money_out = cls(
            client_id=client_id,
            destination_instrument_id=destination_instrument_id,
            source_instrument_id=source_instrument_id,
            transaction_request=transaction_request,
        )

        return money_out
