from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.new_card_transfer_currency import NewCardTransferCurrency
from ..types import UNSET, Unset

T = TypeVar("T", bound="NewCardTransfer")


@_attrs_define
class NewCardTransfer:
    """A funding or return as the partner asks for it.

    Attributes:
        amount (str): Decimal string such as "100.00" (never a JSON number): greater than 0, at most 100000000, with no
            more decimals than the currency allows (2)
        latitude (str): The end user's latitude, 5 decimals.
        longitude (str): The end user's longitude, 5 decimals.
        currency (NewCardTransferCurrency | Unset):
    """

    amount: str
    latitude: str
    longitude: str
    currency: NewCardTransferCurrency | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        latitude = self.latitude

        longitude = self.longitude

        currency: str | Unset = UNSET
        if not isinstance(self.currency, Unset):
            currency = self.currency.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "latitude": latitude,
                "longitude": longitude,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        latitude = d.pop("latitude")

        longitude = d.pop("longitude")

        _currency = d.pop("currency", UNSET)
        currency: NewCardTransferCurrency | Unset
        if isinstance(_currency, Unset):
            currency = UNSET
        else:
            currency = NewCardTransferCurrency(_currency)

        new_card_transfer = cls(
            amount=amount,
            latitude=latitude,
            longitude=longitude,
            currency=currency,
        )

        return new_card_transfer
