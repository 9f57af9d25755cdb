from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.page_top_up_data_item_currency import PageTopUpDataItemCurrency
from ..models.top_up_status import TopUpStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="PageTopUpDataItem")


@_attrs_define
class PageTopUpDataItem:
    """A card-program top-up as partners see it.

    Attributes:
        amount (str): Decimal string such as "100.00" (never a JSON number): greater than 0, at most 100000000, with no
            more decimals than the currency allows (2)
        client_id (UUID):
        created_at (datetime.datetime):
        currency (PageTopUpDataItemCurrency):
        id (UUID):
        payment_transaction_id (UUID): The Flux transaction (a money-out) carrying the money.
        status (TopUpStatus): Where a card-program top-up stands.
        updated_at (datetime.datetime):
        note (None | str | Unset): Why it failed, or why it waits.
    """

    amount: str
    client_id: UUID
    created_at: datetime.datetime
    currency: PageTopUpDataItemCurrency
    id: UUID
    payment_transaction_id: UUID
    status: TopUpStatus
    updated_at: datetime.datetime
    note: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        client_id = str(self.client_id)

        created_at = self.created_at.isoformat()

        currency = self.currency.value

        id = str(self.id)

        payment_transaction_id = str(self.payment_transaction_id)

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "client_id": client_id,
                "created_at": created_at,
                "currency": currency,
                "id": id,
                "payment_transaction_id": payment_transaction_id,
                "status": status,
                "updated_at": updated_at,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        client_id = UUID(d.pop("client_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = PageTopUpDataItemCurrency(d.pop("currency"))

        id = UUID(d.pop("id"))

        payment_transaction_id = UUID(d.pop("payment_transaction_id"))

        status = TopUpStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        page_top_up_data_item = cls(
            amount=amount,
            client_id=client_id,
            created_at=created_at,
            currency=currency,
            id=id,
            payment_transaction_id=payment_transaction_id,
            status=status,
            updated_at=updated_at,
            note=note,
        )

        page_top_up_data_item.additional_properties = d
        return page_top_up_data_item

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
