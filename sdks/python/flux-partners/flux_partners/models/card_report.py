from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.report_reason import ReportReason

T = TypeVar("T", bound="CardReport")


@_attrs_define
class CardReport:
    """`POST …/report`: final, the card is replaced by a new one.

    Attributes:
        latitude (str):  Example: 19.43260.
        longitude (str):  Example: -99.13320.
        reason (ReportReason): Why a card is reported.
    """

    latitude: str
    longitude: str
    reason: ReportReason

    def to_dict(self) -> dict[str, Any]:
        latitude = self.latitude

        longitude = self.longitude

        reason = self.reason.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "latitude": latitude,
                "longitude": longitude,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        latitude = d.pop("latitude")

        longitude = d.pop("longitude")

        reason = ReportReason(d.pop("reason"))

        card_report = cls(
            latitude=latitude,
            longitude=longitude,
            reason=reason,
        )

        return card_report
