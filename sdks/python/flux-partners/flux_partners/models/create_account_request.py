from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateAccountRequest")


@_attrs_define
class CreateAccountRequest:
    """`POST /fidix/v1/accounts`.

    Attributes:
        currency (str): ISO 4217: MXN, USD, CLP, COP, GTQ, HNL.
        ledger_id (UUID):
        name (str):
        normal_balance (str): DEBIT or CREDIT: which direction increases the balance.
        id (None | Unset | UUID): Optional, chosen by the caller: creating the same id again is refused, so a retried
            create cannot make two accounts.
        metadata (Any | Unset):
        overdraft_limit (None | str | Unset): How far below zero the balance may go, a decimal string; "0" (the default)
            allows no
            overdraft.
        person_id (None | Unset | UUID):
    """

    currency: str
    ledger_id: UUID
    name: str
    normal_balance: str
    id: None | Unset | UUID = UNSET
    metadata: Any | Unset = UNSET
    overdraft_limit: None | str | Unset = UNSET
    person_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        ledger_id = str(self.ledger_id)

        name = self.name

        normal_balance = self.normal_balance

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        elif isinstance(self.id, UUID):
            id = str(self.id)
        else:
            id = self.id

        metadata = self.metadata

        overdraft_limit: None | str | Unset
        if isinstance(self.overdraft_limit, Unset):
            overdraft_limit = UNSET
        else:
            overdraft_limit = self.overdraft_limit

        person_id: None | str | Unset
        if isinstance(self.person_id, Unset):
            person_id = UNSET
        elif isinstance(self.person_id, UUID):
            person_id = str(self.person_id)
        else:
            person_id = self.person_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "ledger_id": ledger_id,
                "name": name,
                "normal_balance": normal_balance,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if overdraft_limit is not UNSET:
            field_dict["overdraft_limit"] = overdraft_limit
        if person_id is not UNSET:
            field_dict["person_id"] = person_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = d.pop("currency")

        ledger_id = UUID(d.pop("ledger_id"))

        name = d.pop("name")

        normal_balance = d.pop("normal_balance")

        def _parse_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                id_type_0 = UUID(data)

                return id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        id = _parse_id(d.pop("id", UNSET))

        metadata = d.pop("metadata", UNSET)

        def _parse_overdraft_limit(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        overdraft_limit = _parse_overdraft_limit(d.pop("overdraft_limit", UNSET))

        def _parse_person_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                person_id_type_0 = UUID(data)

                return person_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        person_id = _parse_person_id(d.pop("person_id", UNSET))

        create_account_request = cls(
            currency=currency,
            ledger_id=ledger_id,
            name=name,
            normal_balance=normal_balance,
            id=id,
            metadata=metadata,
            overdraft_limit=overdraft_limit,
            person_id=person_id,
        )

        create_account_request.additional_properties = d
        return create_account_request

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
