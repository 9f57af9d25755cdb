from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.reveal_show import RevealShow

T = TypeVar("T", bound="NewReveal")


@_attrs_define
class NewReveal:
    """`POST …/reveal`: what to show the end user.

    Attributes:
        latitude (str):  Example: 19.43260.
        longitude (str):  Example: -99.13320.
        show (RevealShow): What a reveal link shows.
    """

    latitude: str
    longitude: str
    show: RevealShow

    def to_dict(self) -> dict[str, Any]:
        latitude = self.latitude

        longitude = self.longitude

        show = self.show.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "latitude": latitude,
                "longitude": longitude,
                "show": show,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        latitude = d.pop("latitude")

        longitude = d.pop("longitude")

        show = RevealShow(d.pop("show"))

        new_reveal = cls(
            latitude=latitude,
            longitude=longitude,
            show=show,
        )

        return new_reveal
