from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CardholderAddress")


@_attrs_define
class CardholderAddress:
    """A cardholder's address, as given at creation.

    Attributes:
        city (str | Unset):  Default: ''.
        ext_street_number (str | Unset):  Default: ''.
        int_street_number (None | str | Unset):
        postal_code (str | Unset):  Default: ''.
        state (str | Unset): A value of NeCIPCo's states catalog. Default: ''.
        street (str | Unset):  Default: ''.
        suburb (str | Unset):  Default: ''.
        township (None | str | Unset):
    """

    city: str | Unset = ""
    ext_street_number: str | Unset = ""
    int_street_number: None | str | Unset = UNSET
    postal_code: str | Unset = ""
    state: str | Unset = ""
    street: str | Unset = ""
    suburb: str | Unset = ""
    township: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        city = self.city

        ext_street_number = self.ext_street_number

        int_street_number: None | str | Unset
        if isinstance(self.int_street_number, Unset):
            int_street_number = UNSET
        else:
            int_street_number = self.int_street_number

        postal_code = self.postal_code

        state = self.state

        street = self.street

        suburb = self.suburb

        township: None | str | Unset
        if isinstance(self.township, Unset):
            township = UNSET
        else:
            township = self.township

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if city is not UNSET:
            field_dict["city"] = city
        if ext_street_number is not UNSET:
            field_dict["ext_street_number"] = ext_street_number
        if int_street_number is not UNSET:
            field_dict["int_street_number"] = int_street_number
        if postal_code is not UNSET:
            field_dict["postal_code"] = postal_code
        if state is not UNSET:
            field_dict["state"] = state
        if street is not UNSET:
            field_dict["street"] = street
        if suburb is not UNSET:
            field_dict["suburb"] = suburb
        if township is not UNSET:
            field_dict["township"] = township

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        city = d.pop("city", UNSET)

        ext_street_number = d.pop("ext_street_number", UNSET)

        def _parse_int_street_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        int_street_number = _parse_int_street_number(d.pop("int_street_number", UNSET))

        postal_code = d.pop("postal_code", UNSET)

        state = d.pop("state", UNSET)

        street = d.pop("street", UNSET)

        suburb = d.pop("suburb", UNSET)

        def _parse_township(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        township = _parse_township(d.pop("township", UNSET))

        cardholder_address = cls(
            city=city,
            ext_street_number=ext_street_number,
            int_street_number=int_street_number,
            postal_code=postal_code,
            state=state,
            street=street,
            suburb=suburb,
            township=township,
        )

        cardholder_address.additional_properties = d
        return cardholder_address

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
