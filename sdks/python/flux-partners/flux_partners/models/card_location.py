from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CardLocation")


@_attrs_define
class CardLocation:
    """The end user's location, the body of the lifecycle actions (activate, freeze, unfreeze,
    close). Read by [`location`]; this states the same rules for the document.

        Attributes:
            latitude (str): The end user's latitude: a string with exactly 5 decimals, -90 to 90. Example: 19.43260.
            longitude (str): The end user's longitude: a string with exactly 5 decimals, -180 to 180. Example: -99.13320.
    """

    latitude: str
    longitude: str

    def to_dict(self) -> dict[str, Any]:
        latitude = self.latitude

        longitude = self.longitude

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "latitude": latitude,
                "longitude": longitude,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        latitude = d.pop("latitude")

        longitude = d.pop("longitude")

        card_location = cls(
            latitude=latitude,
            longitude=longitude,
        )

        return card_location
