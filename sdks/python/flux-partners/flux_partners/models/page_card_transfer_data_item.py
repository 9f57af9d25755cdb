from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_transfer_direction import CardTransferDirection
from ..models.card_transfer_status import CardTransferStatus
from ..models.page_card_transfer_data_item_currency import PageCardTransferDataItemCurrency
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.card_transfer_failure import CardTransferFailure


T = TypeVar("T", bound="PageCardTransferDataItem")


@_attrs_define
class PageCardTransferDataItem:
    """A funding or return of card money as partners see it.

    Attributes:
        amount (str): Decimal string such as "100.00" (never a JSON number): greater than 0, at most 100000000, with no
            more decimals than the currency allows (2)
        card_id (UUID):
        client_id (UUID):
        created_at (datetime.datetime):
        currency (PageCardTransferDataItemCurrency):
        direction (CardTransferDirection): Which way card money moved.
        id (UUID):
        status (CardTransferStatus):
        updated_at (datetime.datetime):
        authorization_code (None | str | Unset):
        failure (CardTransferFailure | None | Unset):
        provider_operation_id (None | str | Unset):
    """

    amount: str
    card_id: UUID
    client_id: UUID
    created_at: datetime.datetime
    currency: PageCardTransferDataItemCurrency
    direction: CardTransferDirection
    id: UUID
    status: CardTransferStatus
    updated_at: datetime.datetime
    authorization_code: None | str | Unset = UNSET
    failure: CardTransferFailure | None | Unset = UNSET
    provider_operation_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.card_transfer_failure import CardTransferFailure  # noqa: PLC0415

        amount = self.amount

        card_id = str(self.card_id)

        client_id = str(self.client_id)

        created_at = self.created_at.isoformat()

        currency = self.currency.value

        direction = self.direction.value

        id = str(self.id)

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        authorization_code: None | str | Unset
        if isinstance(self.authorization_code, Unset):
            authorization_code = UNSET
        else:
            authorization_code = self.authorization_code

        failure: dict[str, Any] | None | Unset
        if isinstance(self.failure, Unset):
            failure = UNSET
        elif isinstance(self.failure, CardTransferFailure):
            failure = self.failure.to_dict()
        else:
            failure = self.failure

        provider_operation_id: None | str | Unset
        if isinstance(self.provider_operation_id, Unset):
            provider_operation_id = UNSET
        else:
            provider_operation_id = self.provider_operation_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "card_id": card_id,
                "client_id": client_id,
                "created_at": created_at,
                "currency": currency,
                "direction": direction,
                "id": id,
                "status": status,
                "updated_at": updated_at,
            }
        )
        if authorization_code is not UNSET:
            field_dict["authorization_code"] = authorization_code
        if failure is not UNSET:
            field_dict["failure"] = failure
        if provider_operation_id is not UNSET:
            field_dict["provider_operation_id"] = provider_operation_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.card_transfer_failure import CardTransferFailure  # noqa: PLC0415

        d = dict(src_dict)
        amount = d.pop("amount")

        card_id = UUID(d.pop("card_id"))

        client_id = UUID(d.pop("client_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = PageCardTransferDataItemCurrency(d.pop("currency"))

        direction = CardTransferDirection(d.pop("direction"))

        id = UUID(d.pop("id"))

        status = CardTransferStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_authorization_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        authorization_code = _parse_authorization_code(d.pop("authorization_code", UNSET))

        def _parse_failure(data: object) -> CardTransferFailure | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                failure_type_1 = CardTransferFailure.from_dict(data)

                return failure_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CardTransferFailure | None | Unset, data)

        failure = _parse_failure(d.pop("failure", UNSET))

        def _parse_provider_operation_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        provider_operation_id = _parse_provider_operation_id(d.pop("provider_operation_id", UNSET))

        page_card_transfer_data_item = cls(
            amount=amount,
            card_id=card_id,
            client_id=client_id,
            created_at=created_at,
            currency=currency,
            direction=direction,
            id=id,
            status=status,
            updated_at=updated_at,
            authorization_code=authorization_code,
            failure=failure,
            provider_operation_id=provider_operation_id,
        )

        page_card_transfer_data_item.additional_properties = d
        return page_card_transfer_data_item

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
