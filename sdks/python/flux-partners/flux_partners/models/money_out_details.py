from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.money_out_details_currency import MoneyOutDetailsCurrency

T = TypeVar("T", bound="MoneyOutDetails")


@_attrs_define
class MoneyOutDetails:
    """
    Attributes:
        amount (str): Decimal string such as "100.00" (never a JSON number): greater than 0, at most 100000000, with no
            more decimals than the currency allows (2)
        currency (MoneyOutDetailsCurrency):
        description (str):
        external_reference (str):
    """

    amount: str
    currency: MoneyOutDetailsCurrency
    description: str
    external_reference: str

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        currency = self.currency.value

        description = self.description

        external_reference = self.external_reference

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "currency": currency,
                "description": description,
                "external_reference": external_reference,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        currency = MoneyOutDetailsCurrency(d.pop("currency"))

        description = d.pop("description")

        external_reference = d.pop("external_reference")

        money_out_details = cls(
            amount=amount,
            currency=currency,
            description=description,
            external_reference=external_reference,
        )

        return money_out_details
