from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewSandboxPurchase")


@_attrs_define
class NewSandboxPurchase:
    """`POST /api/sandbox/cards/{cardId}/purchase`: a purchase as a merchant's terminal sends it.
    `latitude` and `longitude` come together or not at all (then a terminal in Mexico City).

        Attributes:
            amount (str): Decimal string such as "100.00" (never a JSON number): greater than 0, at most 100000000, with no
                more decimals than the currency allows (2)
            merchant (str):
            latitude (None | str | Unset):  Example: 19.43260.
            longitude (None | str | Unset):  Example: -99.13320.
            pin_ciphertext (None | str | Unset): A card-present purchase: the PIN, RSA-OAEP ciphered with NeCIPCo's key,
                base64.
    """

    amount: str
    merchant: str
    latitude: None | str | Unset = UNSET
    longitude: None | str | Unset = UNSET
    pin_ciphertext: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        merchant = self.merchant

        latitude: None | str | Unset
        if isinstance(self.latitude, Unset):
            latitude = UNSET
        else:
            latitude = self.latitude

        longitude: None | str | Unset
        if isinstance(self.longitude, Unset):
            longitude = UNSET
        else:
            longitude = self.longitude

        pin_ciphertext: None | str | Unset
        if isinstance(self.pin_ciphertext, Unset):
            pin_ciphertext = UNSET
        else:
            pin_ciphertext = self.pin_ciphertext

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "merchant": merchant,
            }
        )
        if latitude is not UNSET:
            field_dict["latitude"] = latitude
        if longitude is not UNSET:
            field_dict["longitude"] = longitude
        if pin_ciphertext is not UNSET:
            field_dict["pin_ciphertext"] = pin_ciphertext

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        merchant = d.pop("merchant")

        def _parse_latitude(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        latitude = _parse_latitude(d.pop("latitude", UNSET))

        def _parse_longitude(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        longitude = _parse_longitude(d.pop("longitude", UNSET))

        def _parse_pin_ciphertext(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pin_ciphertext = _parse_pin_ciphertext(d.pop("pin_ciphertext", UNSET))

        new_sandbox_purchase = cls(
            amount=amount,
            merchant=merchant,
            latitude=latitude,
            longitude=longitude,
            pin_ciphertext=pin_ciphertext,
        )

        return new_sandbox_purchase
