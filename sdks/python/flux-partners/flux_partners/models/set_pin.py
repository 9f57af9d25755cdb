from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SetPin")


@_attrs_define
class SetPin:
    """`POST …/pin`: the first PIN, ciphered on the end user's device with
    `GET /api/partners/cards/pin-encryption-key`.

        Attributes:
            latitude (str):  Example: 19.43260.
            longitude (str):  Example: -99.13320.
            pin_ciphertext (str): Base64 RSA-OAEP ciphertext of the PIN (at least a 1024-bit block).
    """

    latitude: str
    longitude: str
    pin_ciphertext: str

    def to_dict(self) -> dict[str, Any]:
        latitude = self.latitude

        longitude = self.longitude

        pin_ciphertext = self.pin_ciphertext

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "latitude": latitude,
                "longitude": longitude,
                "pin_ciphertext": pin_ciphertext,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        latitude = d.pop("latitude")

        longitude = d.pop("longitude")

        pin_ciphertext = d.pop("pin_ciphertext")

        set_pin = cls(
            latitude=latitude,
            longitude=longitude,
            pin_ciphertext=pin_ciphertext,
        )

        return set_pin
