from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.program_at_provider_name import ProgramAtProviderName

T = TypeVar("T", bound="ProgramAtProvider")


@_attrs_define
class ProgramAtProvider:
    """The program as NeCIPCo reports it.

    Attributes:
        available (str): Decimal string such as "100.00" (never a JSON number); may be zero or negative
        collection (str): Decimal string such as "100.00" (never a JSON number); may be zero or negative
        name (ProgramAtProviderName):
    """

    available: str
    collection: str
    name: ProgramAtProviderName
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        available = self.available

        collection = self.collection

        name = self.name.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "available": available,
                "collection": collection,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        available = d.pop("available")

        collection = d.pop("collection")

        name = ProgramAtProviderName(d.pop("name"))

        program_at_provider = cls(
            available=available,
            collection=collection,
            name=name,
        )

        program_at_provider.additional_properties = d
        return program_at_provider

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
