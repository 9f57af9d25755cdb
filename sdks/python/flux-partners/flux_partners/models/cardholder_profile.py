from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cardholder_address import CardholderAddress


T = TypeVar("T", bound="CardholderProfile")


@_attrs_define
class CardholderProfile:
    """What Flux keeps of a cardholder: the identity as given. Stored as this JSON, so the stored
    row and the answer have one definition.

        Attributes:
            address (CardholderAddress): A cardholder's address, as given at creation.
            birthdate (str): YYYY-MM-DD.
            curp (str):
            email (str):
            first_name (str):
            gender (str):
            has_kids (bool):
            marital_status (str):
            mobile_phone (str):
            primary_phone (str):
            rfc (str):
            second_name (str):
            second_surname (str):
            surname (str):
            external_id (None | str | Unset):
            gross_monthly_income (str | Unset): Decimal string such as "100.00" (never a JSON number); may be zero or
                negative
            net_monthly_income (str | Unset): Decimal string such as "100.00" (never a JSON number); may be zero or negative
            observations (None | str | Unset):
    """

    address: CardholderAddress
    birthdate: str
    curp: str
    email: str
    first_name: str
    gender: str
    has_kids: bool
    marital_status: str
    mobile_phone: str
    primary_phone: str
    rfc: str
    second_name: str
    second_surname: str
    surname: str
    external_id: None | str | Unset = UNSET
    gross_monthly_income: str | Unset = UNSET
    net_monthly_income: str | Unset = UNSET
    observations: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address = self.address.to_dict()

        birthdate = self.birthdate

        curp = self.curp

        email = self.email

        first_name = self.first_name

        gender = self.gender

        has_kids = self.has_kids

        marital_status = self.marital_status

        mobile_phone = self.mobile_phone

        primary_phone = self.primary_phone

        rfc = self.rfc

        second_name = self.second_name

        second_surname = self.second_surname

        surname = self.surname

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        gross_monthly_income = self.gross_monthly_income

        net_monthly_income = self.net_monthly_income

        observations: None | str | Unset
        if isinstance(self.observations, Unset):
            observations = UNSET
        else:
            observations = self.observations

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "birthdate": birthdate,
                "curp": curp,
                "email": email,
                "first_name": first_name,
                "gender": gender,
                "has_kids": has_kids,
                "marital_status": marital_status,
                "mobile_phone": mobile_phone,
                "primary_phone": primary_phone,
                "rfc": rfc,
                "second_name": second_name,
                "second_surname": second_surname,
                "surname": surname,
            }
        )
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if gross_monthly_income is not UNSET:
            field_dict["gross_monthly_income"] = gross_monthly_income
        if net_monthly_income is not UNSET:
            field_dict["net_monthly_income"] = net_monthly_income
        if observations is not UNSET:
            field_dict["observations"] = observations

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cardholder_address import CardholderAddress  # noqa: PLC0415

        d = dict(src_dict)
        address = CardholderAddress.from_dict(d.pop("address"))

        birthdate = d.pop("birthdate")

        curp = d.pop("curp")

        email = d.pop("email")

        first_name = d.pop("first_name")

        gender = d.pop("gender")

        has_kids = d.pop("has_kids")

        marital_status = d.pop("marital_status")

        mobile_phone = d.pop("mobile_phone")

        primary_phone = d.pop("primary_phone")

        rfc = d.pop("rfc")

        second_name = d.pop("second_name")

        second_surname = d.pop("second_surname")

        surname = d.pop("surname")

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        gross_monthly_income = d.pop("gross_monthly_income", UNSET)

        net_monthly_income = d.pop("net_monthly_income", UNSET)

        def _parse_observations(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        observations = _parse_observations(d.pop("observations", UNSET))

        cardholder_profile = cls(
            address=address,
            birthdate=birthdate,
            curp=curp,
            email=email,
            first_name=first_name,
            gender=gender,
            has_kids=has_kids,
            marital_status=marital_status,
            mobile_phone=mobile_phone,
            primary_phone=primary_phone,
            rfc=rfc,
            second_name=second_name,
            second_surname=second_surname,
            surname=surname,
            external_id=external_id,
            gross_monthly_income=gross_monthly_income,
            net_monthly_income=net_monthly_income,
            observations=observations,
        )

        cardholder_profile.additional_properties = d
        return cardholder_profile

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
