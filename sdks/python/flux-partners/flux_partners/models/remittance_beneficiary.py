from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.remittance_account import RemittanceAccount


T = TypeVar("T", bound="RemittanceBeneficiary")


@_attrs_define
class RemittanceBeneficiary:
    """
    Attributes:
        account (RemittanceAccount): Where the money goes.
        country (str): ISO 3166-1 alpha-2, e.g. MX.
        lastname (str):
        name (str):
        city (None | str | Unset):
        middle_name (None | str | Unset):
        rfc (None | str | Unset): RFC of the holder (12 or 13 characters), or "ND"
        second_lastname (None | str | Unset):
        state (None | str | Unset):
    """

    account: RemittanceAccount
    country: str
    lastname: str
    name: str
    city: None | str | Unset = UNSET
    middle_name: None | str | Unset = UNSET
    rfc: None | str | Unset = UNSET
    second_lastname: None | str | Unset = UNSET
    state: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        account = self.account.to_dict()

        country = self.country

        lastname = self.lastname

        name = self.name

        city: None | str | Unset
        if isinstance(self.city, Unset):
            city = UNSET
        else:
            city = self.city

        middle_name: None | str | Unset
        if isinstance(self.middle_name, Unset):
            middle_name = UNSET
        else:
            middle_name = self.middle_name

        rfc: None | str | Unset
        if isinstance(self.rfc, Unset):
            rfc = UNSET
        else:
            rfc = self.rfc

        second_lastname: None | str | Unset
        if isinstance(self.second_lastname, Unset):
            second_lastname = UNSET
        else:
            second_lastname = self.second_lastname

        state: None | str | Unset
        if isinstance(self.state, Unset):
            state = UNSET
        else:
            state = self.state

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "account": account,
                "country": country,
                "lastname": lastname,
                "name": name,
            }
        )
        if city is not UNSET:
            field_dict["city"] = city
        if middle_name is not UNSET:
            field_dict["middle_name"] = middle_name
        if rfc is not UNSET:
            field_dict["rfc"] = rfc
        if second_lastname is not UNSET:
            field_dict["second_lastname"] = second_lastname
        if state is not UNSET:
            field_dict["state"] = state

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.remittance_account import RemittanceAccount  # noqa: PLC0415

        d = dict(src_dict)
        account = RemittanceAccount.from_dict(d.pop("account"))

        country = d.pop("country")

        lastname = d.pop("lastname")

        name = d.pop("name")

        def _parse_city(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        city = _parse_city(d.pop("city", UNSET))

        def _parse_middle_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        middle_name = _parse_middle_name(d.pop("middle_name", UNSET))

        def _parse_rfc(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rfc = _parse_rfc(d.pop("rfc", UNSET))

        def _parse_second_lastname(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        second_lastname = _parse_second_lastname(d.pop("second_lastname", UNSET))

        def _parse_state(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        state = _parse_state(d.pop("state", UNSET))

        remittance_beneficiary = cls(
            account=account,
            country=country,
            lastname=lastname,
            name=name,
            city=city,
            middle_name=middle_name,
            rfc=rfc,
            second_lastname=second_lastname,
            state=state,
        )

        return remittance_beneficiary
