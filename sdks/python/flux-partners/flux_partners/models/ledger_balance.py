from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LedgerBalance")


@_attrs_define
class LedgerBalance:
    """A balance from Flux's ledger, decimal strings in the currency's minor unit.

    Attributes:
        account_id (UUID): The ledger account holding the client's funds.
        available (str): What a money-out may spend now: posted minus pending.
        pending (str): Held by money-outs and refunds not yet final.
        posted (str): Settled.
    """

    account_id: UUID
    available: str
    pending: str
    posted: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = str(self.account_id)

        available = self.available

        pending = self.pending

        posted = self.posted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "available": available,
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

        pending = d.pop("pending")

        posted = d.pop("posted")

        ledger_balance = cls(
            account_id=account_id,
            available=available,
            pending=pending,
            posted=posted,
        )

        ledger_balance.additional_properties = d
        return ledger_balance

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
