from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BalanceResponse")


@_attrs_define
class BalanceResponse:
    """`GET /fidix/v1/accounts/{account_id}/balance`. Amounts are in the account's normal
    direction: `posted` settled, `pending` held by pending transactions, `available` = posted −
    pending.

        Attributes:
            account_id (UUID):
            available (str):
            currency (str):
            pending (str):
            posted (str):
    """

    account_id: UUID
    available: str
    currency: str
    pending: str
    posted: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = str(self.account_id)

        available = self.available

        currency = self.currency

        pending = self.pending

        posted = self.posted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "available": available,
                "currency": currency,
                "pending": pending,
                "posted": posted,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = UUID(d.pop("account_id"))

        available = d.pop("available")

        currency = d.pop("currency")

        pending = d.pop("pending")

        posted = d.pop("posted")

        balance_response = cls(
            account_id=account_id,
            available=available,
            currency=currency,
            pending=pending,
            posted=posted,
        )

        balance_response.additional_properties = d
        return balance_response

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
