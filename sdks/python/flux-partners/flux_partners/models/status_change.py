from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StatusChange")


@_attrs_define
class StatusChange:
    """One status change of a remittance.

    Attributes:
        at (str):
        new_status (str):
        source (str): intent, felix answer, felix callback or felix poll.
        old_status (None | str | Unset):
    """

    at: str
    new_status: str
    source: str
    old_status: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at

        new_status = self.new_status

        source = self.source

        old_status: None | str | Unset
        if isinstance(self.old_status, Unset):
            old_status = UNSET
        else:
            old_status = self.old_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "new_status": new_status,
                "source": source,
            }
        )
        if old_status is not UNSET:
            field_dict["old_status"] = old_status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = d.pop("at")

        new_status = d.pop("new_status")

        source = d.pop("source")

        def _parse_old_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        old_status = _parse_old_status(d.pop("old_status", UNSET))

        status_change = cls(
            at=at,
            new_status=new_status,
            source=source,
            old_status=old_status,
        )

        status_change.additional_properties = d
        return status_change

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
