from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ChangePin")


@_attrs_define
class ChangePin:
    """`PUT …/pin`: the current and the new PIN, each ciphered on the end user's device.

    Attributes:
        latitude (str):  Example: 19.43260.
        longitude (str):  Example: -99.13320.
        new_pin_ciphertext (str):
        old_pin_ciphertext (str):
    """

    latitude: str
    longitude: str
    new_pin_ciphertext: str
    old_pin_ciphertext: str

    def to_dict(self) -> dict[str, Any]:
        latitude = self.latitude

        longitude = self.longitude

        new_pin_ciphertext = self.new_pin_ciphertext

        old_pin_ciphertext = self.old_pin_ciphertext

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "latitude": latitude,
                "longitude": longitude,
                "new_pin_ciphertext": new_pin_ciphertext,
                "old_pin_ciphertext": old_pin_ciphertext,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        latitude = d.pop("latitude")

        longitude = d.pop("longitude")

        new_pin_ciphertext = d.pop("new_pin_ciphertext")

        old_pin_ciphertext = d.pop("old_pin_ciphertext")

        change_pin = cls(
            latitude=latitude,
            longitude=longitude,
            new_pin_ciphertext=new_pin_ciphertext,
            old_pin_ciphertext=old_pin_ciphertext,
        )

        return change_pin
