from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DebitCardDetail")


@_attrs_define
class DebitCardDetail:
    """
    Attributes:
        card_number_masked (str): Only the last four digits: Flux never returns a full card number.
        holder_name (str):
        last4 (str):
        expiration_date (None | str | Unset):
    """

    card_number_masked: str
    holder_name: str
    last4: str
    expiration_date: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        card_number_masked = self.card_number_masked

        holder_name = self.holder_name

        last4 = self.last4

        expiration_date: None | str | Unset
        if isinstance(self.expiration_date, Unset):
            expiration_date = UNSET
        else:
            expiration_date = self.expiration_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "card_number_masked": card_number_masked,
                "holder_name": holder_name,
                "last4": last4,
            }
        )
        if expiration_date is not UNSET:
            field_dict["expiration_date"] = expiration_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        card_number_masked = d.pop("card_number_masked")

        holder_name = d.pop("holder_name")

        last4 = d.pop("last4")

        def _parse_expiration_date(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expiration_date = _parse_expiration_date(d.pop("expiration_date", UNSET))

        debit_card_detail = cls(
            card_number_masked=card_number_masked,
            holder_name=holder_name,
            last4=last4,
            expiration_date=expiration_date,
        )

        debit_card_detail.additional_properties = d
        return debit_card_detail

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
