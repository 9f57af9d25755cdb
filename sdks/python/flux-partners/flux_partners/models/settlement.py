from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Settlement")


@_attrs_define
class Settlement:
    """The money-in that paid a remittance.

    Attributes:
        settled_at (str):
        transaction_id (UUID): The MONEY_IN transaction (GET …/transactions/{id}); it names this remittance back.
    """

    settled_at: str
    transaction_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        settled_at = self.settled_at

        transaction_id = str(self.transaction_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "settled_at": settled_at,
                "transaction_id": transaction_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        settled_at = d.pop("settled_at")

        transaction_id = UUID(d.pop("transaction_id"))

        settlement = cls(
            settled_at=settled_at,
            transaction_id=transaction_id,
        )

        settlement.additional_properties = d
        return settlement

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
