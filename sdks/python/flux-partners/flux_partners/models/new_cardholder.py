from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewCardholder")


@_attrs_define
class NewCardholder:
    """A cardholder, as NeCIPCo files it (its field lengths). `rfc` and `curp` carry check
    digits; `state`, `gender` and `marital_status` take NeCIPCo's catalog values.

        Attributes:
            birthdate (str): YYYY-MM-DD.
            city (str):
            curp (str):
            email (str):
            ext_street_number (str):
            first_name (str):
            gender (str): A value of NeCIPCo's genders catalog.
            marital_status (str): A value of NeCIPCo's marital statuses catalog.
            mobile_phone (str):
            postal_code (str):
            primary_phone (str):
            rfc (str):
            second_name (str):
            second_surname (str):
            state (str): A value of NeCIPCo's states catalog.
            street (str):
            suburb (str):
            surname (str):
            external_id (None | str | Unset):
            gross_monthly_income (None | str | Unset): Decimal string, zero or more, at most 2 decimals.
            has_kids (bool | None | Unset):
            int_street_number (None | str | Unset):
            net_monthly_income (None | str | Unset):
            observations (None | str | Unset):
            township (None | str | Unset):
    """

    birthdate: str
    city: str
    curp: str
    email: str
    ext_street_number: str
    first_name: str
    gender: str
    marital_status: str
    mobile_phone: str
    postal_code: str
    primary_phone: str
    rfc: str
    second_name: str
    second_surname: str
    state: str
    street: str
    suburb: str
    surname: str
    external_id: None | str | Unset = UNSET
    gross_monthly_income: None | str | Unset = UNSET
    has_kids: bool | None | Unset = UNSET
    int_street_number: None | str | Unset = UNSET
    net_monthly_income: None | str | Unset = UNSET
    observations: None | str | Unset = UNSET
    township: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        birthdate = self.birthdate

        city = self.city

        curp = self.curp

        email = self.email

        ext_street_number = self.ext_street_number

        first_name = self.first_name

        gender = self.gender

        marital_status = self.marital_status

        mobile_phone = self.mobile_phone

        postal_code = self.postal_code

        primary_phone = self.primary_phone

        rfc = self.rfc

        second_name = self.second_name

        second_surname = self.second_surname

        state = self.state

        street = self.street

        suburb = self.suburb

        surname = self.surname

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        gross_monthly_income: None | str | Unset
        if isinstance(self.gross_monthly_income, Unset):
            gross_monthly_income = UNSET
        else:
            gross_monthly_income = self.gross_monthly_income

        has_kids: bool | None | Unset
        if isinstance(self.has_kids, Unset):
            has_kids = UNSET
        else:
            has_kids = self.has_kids

        int_street_number: None | str | Unset
        if isinstance(self.int_street_number, Unset):
            int_street_number = UNSET
        else:
            int_street_number = self.int_street_number

        net_monthly_income: None | str | Unset
        if isinstance(self.net_monthly_income, Unset):
            net_monthly_income = UNSET
        else:
            net_monthly_income = self.net_monthly_income

        observations: None | str | Unset
        if isinstance(self.observations, Unset):
            observations = UNSET
        else:
            observations = self.observations

        township: None | str | Unset
        if isinstance(self.township, Unset):
            township = UNSET
        else:
            township = self.township

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "birthdate": birthdate,
                "city": city,
                "curp": curp,
                "email": email,
                "ext_street_number": ext_street_number,
                "first_name": first_name,
                "gender": gender,
                "marital_status": marital_status,
                "mobile_phone": mobile_phone,
                "postal_code": postal_code,
                "primary_phone": primary_phone,
                "rfc": rfc,
                "second_name": second_name,
                "second_surname": second_surname,
                "state": state,
                "street": street,
                "suburb": suburb,
                "surname": surname,
            }
        )
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if gross_monthly_income is not UNSET:
            field_dict["gross_monthly_income"] = gross_monthly_income
        if has_kids is not UNSET:
            field_dict["has_kids"] = has_kids
        if int_street_number is not UNSET:
            field_dict["int_street_number"] = int_street_number
        if net_monthly_income is not UNSET:
            field_dict["net_monthly_income"] = net_monthly_income
        if observations is not UNSET:
            field_dict["observations"] = observations
        if township is not UNSET:
            field_dict["township"] = township

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        birthdate = d.pop("birthdate")

        city = d.pop("city")

        curp = d.pop("curp")

        email = d.pop("email")

        ext_street_number = d.pop("ext_street_number")

        first_name = d.pop("first_name")

        gender = d.pop("gender")

        marital_status = d.pop("marital_status")

        mobile_phone = d.pop("mobile_phone")

        postal_code = d.pop("postal_code")

        primary_phone = d.pop("primary_phone")

        rfc = d.pop("rfc")

        second_name = d.pop("second_name")

        second_surname = d.pop("second_surname")

        state = d.pop("state")

        street = d.pop("street")

        suburb = d.pop("suburb")

        surname = d.pop("surname")

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        def _parse_gross_monthly_income(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gross_monthly_income = _parse_gross_monthly_income(d.pop("gross_monthly_income", UNSET))

        def _parse_has_kids(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        has_kids = _parse_has_kids(d.pop("has_kids", UNSET))

        def _parse_int_street_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        int_street_number = _parse_int_street_number(d.pop("int_street_number", UNSET))

        def _parse_net_monthly_income(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        net_monthly_income = _parse_net_monthly_income(d.pop("net_monthly_income", UNSET))

        def _parse_observations(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        observations = _parse_observations(d.pop("observations", UNSET))

        def _parse_township(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        township = _parse_township(d.pop("township", UNSET))

        new_cardholder = cls(
            birthdate=birthdate,
            city=city,
            curp=curp,
            email=email,
            ext_street_number=ext_street_number,
            first_name=first_name,
            gender=gender,
            marital_status=marital_status,
            mobile_phone=mobile_phone,
            postal_code=postal_code,
            primary_phone=primary_phone,
            rfc=rfc,
            second_name=second_name,
            second_surname=second_surname,
            state=state,
            street=street,
            suburb=suburb,
            surname=surname,
            external_id=external_id,
            gross_monthly_income=gross_monthly_income,
            has_kids=has_kids,
            int_street_number=int_street_number,
            net_monthly_income=net_monthly_income,
            observations=observations,
            township=township,
        )

        return new_cardholder
