from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.remittance_account_account_type_type_1 import RemittanceAccountAccountTypeType1
from ..models.remittance_account_account_type_type_2_type_1 import RemittanceAccountAccountTypeType2Type1
from ..models.remittance_account_account_type_type_3_type_1 import RemittanceAccountAccountTypeType3Type1
from ..models.remittance_account_type import RemittanceAccountType
from ..types import UNSET, Unset

T = TypeVar("T", bound="RemittanceAccount")


@_attrs_define
class RemittanceAccount:
    """Where the money goes.

    Attributes:
        number (str): By `type`: a CLABE (18 digits, correct check digit; in MX, a SPEI participant's
            prefix), a card number (16 digits passing Luhn), or 4 to 34 letters and digits.
        type_ (RemittanceAccountType):
        account_type (None | RemittanceAccountAccountTypeType1 | RemittanceAccountAccountTypeType2Type1 |
            RemittanceAccountAccountTypeType3Type1 | Unset):
        bank_code (None | str | Unset):
    """

    number: str
    type_: RemittanceAccountType
    account_type: (
        None
        | RemittanceAccountAccountTypeType1
        | RemittanceAccountAccountTypeType2Type1
        | RemittanceAccountAccountTypeType3Type1
        | Unset
    ) = UNSET
    bank_code: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        type_ = self.type_.value

        account_type: None | str | Unset
        if isinstance(self.account_type, Unset):
            account_type = UNSET
        elif isinstance(self.account_type, RemittanceAccountAccountTypeType1):
            account_type = self.account_type.value
        elif isinstance(self.account_type, RemittanceAccountAccountTypeType2Type1):
            account_type = self.account_type.value
        elif isinstance(self.account_type, RemittanceAccountAccountTypeType3Type1):
            account_type = self.account_type.value
        else:
            account_type = self.account_type

        bank_code: None | str | Unset
        if isinstance(self.bank_code, Unset):
            bank_code = UNSET
        else:
            bank_code = self.bank_code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "number": number,
                "type": type_,
            }
        )
        if account_type is not UNSET:
            field_dict["account_type"] = account_type
        if bank_code is not UNSET:
            field_dict["bank_code"] = bank_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        number = d.pop("number")

        type_ = RemittanceAccountType(d.pop("type"))

        def _parse_account_type(
            data: object,
        ) -> (
            None
            | RemittanceAccountAccountTypeType1
            | RemittanceAccountAccountTypeType2Type1
            | RemittanceAccountAccountTypeType3Type1
            | Unset
        ):
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                account_type_type_1 = RemittanceAccountAccountTypeType1(data)

                return account_type_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                account_type_type_2_type_1 = RemittanceAccountAccountTypeType2Type1(data)

                return account_type_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                account_type_type_3_type_1 = RemittanceAccountAccountTypeType3Type1(data)

                return account_type_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None
                | RemittanceAccountAccountTypeType1
                | RemittanceAccountAccountTypeType2Type1
                | RemittanceAccountAccountTypeType3Type1
                | Unset,
                data,
            )

        account_type = _parse_account_type(d.pop("account_type", UNSET))

        def _parse_bank_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bank_code = _parse_bank_code(d.pop("bank_code", UNSET))

        remittance_account = cls(
            number=number,
            type_=type_,
            account_type=account_type,
            bank_code=bank_code,
        )

        return remittance_account
