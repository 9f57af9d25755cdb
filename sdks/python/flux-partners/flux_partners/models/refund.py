from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Refund")


@_attrs_define
class Refund:
    """Body of POST …/transactions/{transactionId}/refund.

    Attributes:
        amount (str): Decimal string such as "100.00" (never a JSON number): greater than 0, at most 100000000, with no
            more decimals than the currency allows (2)
        description (str):
    """

    amount: str
    description: str

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "description": description,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        description = d.pop("description")

        refund = cls(
            amount=amount,
            description=description,
        )

        return refund
