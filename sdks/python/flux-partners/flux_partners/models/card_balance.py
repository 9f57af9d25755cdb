from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_balance_currency import CardBalanceCurrency

T = TypeVar("T", bound="CardBalance")


@_attrs_define
class CardBalance:
    """A card's available balance at NeCIPCo.

    Attributes:
        available (str): Decimal string such as "100.00" (never a JSON number); may be zero or negative
        card_id (UUID):
        currency (CardBalanceCurrency):
    """

    available: str
    card_id: UUID
    currency: CardBalanceCurrency
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        available = self.available

        card_id = str(self.card_id)

        currency = self.currency.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "available": available,
                "card_id": card_id,
                "currency": currency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        available = d.pop("available")

        card_id = UUID(d.pop("card_id"))

        currency = CardBalanceCurrency(d.pop("currency"))

        card_balance = cls(
            available=available,
            card_id=card_id,
            currency=currency,
        )

        card_balance.additional_properties = d
        return card_balance

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
