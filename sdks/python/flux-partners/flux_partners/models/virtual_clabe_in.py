from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="VirtualClabeIn")


@_attrs_define
class VirtualClabeIn:
    """
    Attributes:
        clabe (str): CLABE: 18 digits, a known bank prefix and a correct check digit
        holder_name (str):
    """

    clabe: str
    holder_name: str

    def to_dict(self) -> dict[str, Any]:
        clabe = self.clabe

        holder_name = self.holder_name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "clabe": clabe,
                "holder_name": holder_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        clabe = d.pop("clabe")

        holder_name = d.pop("holder_name")

        virtual_clabe_in = cls(
            clabe=clabe,
            holder_name=holder_name,
        )

        return virtual_clabe_in
