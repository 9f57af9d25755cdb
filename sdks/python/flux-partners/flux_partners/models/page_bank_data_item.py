from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PageBankDataItem")


@_attrs_define
class PageBankDataItem:
    """
    Attributes:
        clabe_prefix (str): First three digits of this institution's CLABEs.
        code (str): Banxico institution code (e.g. 40002).
        id (UUID):
        name (str):
    """

    clabe_prefix: str
    code: str
    id: UUID
    name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clabe_prefix = self.clabe_prefix

        code = self.code

        id = str(self.id)

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clabe_prefix": clabe_prefix,
                "code": code,
                "id": id,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        clabe_prefix = d.pop("clabe_prefix")

        code = d.pop("code")

        id = UUID(d.pop("id"))

        name = d.pop("name")

        page_bank_data_item = cls(
            clabe_prefix=clabe_prefix,
            code=code,
            id=id,
            name=name,
        )

        page_bank_data_item.additional_properties = d
        return page_bank_data_item

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
