from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AccountResponse")


@_attrs_define
class AccountResponse:
    """An account as created.

    Attributes:
        created_at (str):
        currency (str):
        id (UUID):
        ledger_id (UUID):
        metadata (Any):
        normal_balance (str):
        overdraft_limit (str):
        name (None | str | Unset):
        person_id (None | Unset | UUID):
    """

    created_at: str
    currency: str
    id: UUID
    ledger_id: UUID
    metadata: Any
    normal_balance: str
    overdraft_limit: str
    name: None | str | Unset = UNSET
    person_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        currency = self.currency

        id = str(self.id)

        ledger_id = str(self.ledger_id)

        metadata = self.metadata

        normal_balance = self.normal_balance

        overdraft_limit = self.overdraft_limit

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

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
                "created_at": created_at,
                "currency": currency,
                "id": id,
                "ledger_id": ledger_id,
                "metadata": metadata,
                "normal_balance": normal_balance,
                "overdraft_limit": overdraft_limit,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if person_id is not UNSET:
            field_dict["person_id"] = person_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        currency = d.pop("currency")

        id = UUID(d.pop("id"))

        ledger_id = UUID(d.pop("ledger_id"))

        metadata = d.pop("metadata")

        normal_balance = d.pop("normal_balance")

        overdraft_limit = d.pop("overdraft_limit")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

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

        account_response = cls(
            created_at=created_at,
            currency=currency,
            id=id,
            ledger_id=ledger_id,
            metadata=metadata,
            normal_balance=normal_balance,
            overdraft_limit=overdraft_limit,
            name=name,
            person_id=person_id,
        )

        account_response.additional_properties = d
        return account_response

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
