from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.create_ledger_account_currency import CreateLedgerAccountCurrency
from ..models.create_ledger_account_normal_balance import CreateLedgerAccountNormalBalance
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_ledger_account_metadata import CreateLedgerAccountMetadata


T = TypeVar("T", bound="CreateLedgerAccount")


@_attrs_define
class CreateLedgerAccount:
    """Body of POST …/ledger/accounts.

    Attributes:
        currency (CreateLedgerAccountCurrency):
        name (str): 1 to 200 characters, not only spaces.
        normal_balance (CreateLedgerAccountNormalBalance):
        id (None | Unset | UUID): Optional, chosen by you: creating the same id again is refused, so a retried create
            cannot make two accounts.
        metadata (CreateLedgerAccountMetadata | Unset): A JSON object (not null).
        overdraft_limit (None | str | Unset): How far below zero the balance may go, a decimal string; "0" (the default)
            allows
            no overdraft.
        person_id (None | Unset | UUID): A person of the same ledger (else 404).
    """

    currency: CreateLedgerAccountCurrency
    name: str
    normal_balance: CreateLedgerAccountNormalBalance
    id: None | Unset | UUID = UNSET
    metadata: CreateLedgerAccountMetadata | Unset = UNSET
    overdraft_limit: None | str | Unset = UNSET
    person_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency.value

        name = self.name

        normal_balance = self.normal_balance.value

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        elif isinstance(self.id, UUID):
            id = str(self.id)
        else:
            id = self.id

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

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
        from ..models.create_ledger_account_metadata import CreateLedgerAccountMetadata  # noqa: PLC0415

        d = dict(src_dict)
        currency = CreateLedgerAccountCurrency(d.pop("currency"))

        name = d.pop("name")

        normal_balance = CreateLedgerAccountNormalBalance(d.pop("normal_balance"))

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

        _metadata = d.pop("metadata", UNSET)
        metadata: CreateLedgerAccountMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = CreateLedgerAccountMetadata.from_dict(_metadata)

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

        create_ledger_account = cls(
            currency=currency,
            name=name,
            normal_balance=normal_balance,
            id=id,
            metadata=metadata,
            overdraft_limit=overdraft_limit,
            person_id=person_id,
        )

        create_ledger_account.additional_properties = d
        return create_ledger_account

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
