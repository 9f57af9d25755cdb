from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SimulateMoneyIn")


@_attrs_define
class SimulateMoneyIn:
    """Body of POST /api/sandbox/money-in.

    Attributes:
        amount (str): Decimal string such as "100.00" (never a JSON number): greater than 0, at most 100000000, with no
            more decimals than the currency allows (2)
        client_id (UUID):
        beneficiary_account (None | str | Unset): CLABE: 18 digits, a known bank prefix and a correct check digit
        payer_account (None | str | Unset): CLABE: 18 digits, a known bank prefix and a correct check digit
        payer_name (None | str | Unset):
        payment_concept (None | str | Unset):
    """

    amount: str
    client_id: UUID
    beneficiary_account: None | str | Unset = UNSET
    payer_account: None | str | Unset = UNSET
    payer_name: None | str | Unset = UNSET
    payment_concept: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        client_id = str(self.client_id)

        beneficiary_account: None | str | Unset
        if isinstance(self.beneficiary_account, Unset):
            beneficiary_account = UNSET
        else:
            beneficiary_account = self.beneficiary_account

        payer_account: None | str | Unset
        if isinstance(self.payer_account, Unset):
            payer_account = UNSET
        else:
            payer_account = self.payer_account

        payer_name: None | str | Unset
        if isinstance(self.payer_name, Unset):
            payer_name = UNSET
        else:
            payer_name = self.payer_name

        payment_concept: None | str | Unset
        if isinstance(self.payment_concept, Unset):
            payment_concept = UNSET
        else:
            payment_concept = self.payment_concept

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "client_id": client_id,
            }
        )
        if beneficiary_account is not UNSET:
            field_dict["beneficiary_account"] = beneficiary_account
        if payer_account is not UNSET:
            field_dict["payer_account"] = payer_account
        if payer_name is not UNSET:
            field_dict["payer_name"] = payer_name
        if payment_concept is not UNSET:
            field_dict["payment_concept"] = payment_concept

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        client_id = UUID(d.pop("client_id"))

        def _parse_beneficiary_account(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        beneficiary_account = _parse_beneficiary_account(d.pop("beneficiary_account", UNSET))

        def _parse_payer_account(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payer_account = _parse_payer_account(d.pop("payer_account", UNSET))

        def _parse_payer_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payer_name = _parse_payer_name(d.pop("payer_name", UNSET))

        def _parse_payment_concept(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_concept = _parse_payment_concept(d.pop("payment_concept", UNSET))

        simulate_money_in = cls(
            amount=amount,
            client_id=client_id,
            beneficiary_account=beneficiary_account,
            payer_account=payer_account,
            payer_name=payer_name,
            payment_concept=payment_concept,
        )

        return simulate_money_in
