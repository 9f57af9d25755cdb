from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.new_top_up_currency import NewTopUpCurrency
from ..types import UNSET, Unset

T = TypeVar("T", bound="NewTopUp")


@_attrs_define
class NewTopUp:
    """A top-up as the partner asks for it.

    Attributes:
        amount (str): Decimal string such as "100.00" (never a JSON number): greater than 0, at most 100000000, with no
            more decimals than the currency allows (2)
        currency (NewTopUpCurrency | Unset):
    """

    amount: str
    currency: NewTopUpCurrency | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        currency: str | Unset = UNSET
        if not isinstance(self.currency, Unset):
            currency = self.currency.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        _currency = d.pop("currency", UNSET)
        currency: NewTopUpCurrency | Unset
        if isinstance(_currency, Unset):
            currency = UNSET
        else:
            currency = NewTopUpCurrency(_currency)

        new_top_up = cls(
            amount=amount,
            currency=currency,
        )

        return new_top_up
