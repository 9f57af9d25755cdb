from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.ledger_balance import LedgerBalance


T = TypeVar("T", bound="Account")


@_attrs_define
class Account:
    """
    Attributes:
        account_id (UUID):
        account_number (str):
        account_type (str): PRIVATE_ACCOUNT, …
        available_balance (str): Available balance as the provider reports it.
        bank_adapter (str):
        bank_id (UUID):
        clabe (str):
        client_bank_adapter_id (UUID):
        client_id (UUID):
        currency (str):
        id (UUID): Fincore's account record id.
        instrument_id (UUID): The CLABE instrument of this account: use it as `source_instrument_id` for money-out.
        owner_id (UUID):
        owner_type (str): CLIENT or CUSTOMER.
        provider (str):
        provider_reference (str):
        status (str): ACTIVE, BLOCKED, SUSPENDED, …
        activated_at (None | str | Unset):
        blocked_at (None | str | Unset):
        created_at (None | str | Unset):
        ledger (LedgerBalance | None | Unset):
        suspended_at (None | str | Unset):
        updated_at (None | str | Unset):
    """

    account_id: UUID
    account_number: str
    account_type: str
    available_balance: str
    bank_adapter: str
    bank_id: UUID
    clabe: str
    client_bank_adapter_id: UUID
    client_id: UUID
    currency: str
    id: UUID
    instrument_id: UUID
    owner_id: UUID
    owner_type: str
    provider: str
    provider_reference: str
    status: str
    activated_at: None | str | Unset = UNSET
    blocked_at: None | str | Unset = UNSET
    created_at: None | str | Unset = UNSET
    ledger: LedgerBalance | None | Unset = UNSET
    suspended_at: None | str | Unset = UNSET
    updated_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.ledger_balance import LedgerBalance  # noqa: PLC0415

        account_id = str(self.account_id)

        account_number = self.account_number

        account_type = self.account_type

        available_balance = self.available_balance

        bank_adapter = self.bank_adapter

        bank_id = str(self.bank_id)

        clabe = self.clabe

        client_bank_adapter_id = str(self.client_bank_adapter_id)

        client_id = str(self.client_id)

        currency = self.currency

        id = str(self.id)

        instrument_id = str(self.instrument_id)

        owner_id = str(self.owner_id)

        owner_type = self.owner_type

        provider = self.provider

        provider_reference = self.provider_reference

        status = self.status

        activated_at: None | str | Unset
        if isinstance(self.activated_at, Unset):
            activated_at = UNSET
        else:
            activated_at = self.activated_at

        blocked_at: None | str | Unset
        if isinstance(self.blocked_at, Unset):
            blocked_at = UNSET
        else:
            blocked_at = self.blocked_at

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        else:
            created_at = self.created_at

        ledger: dict[str, Any] | None | Unset
        if isinstance(self.ledger, Unset):
            ledger = UNSET
        elif isinstance(self.ledger, LedgerBalance):
            ledger = self.ledger.to_dict()
        else:
            ledger = self.ledger

        suspended_at: None | str | Unset
        if isinstance(self.suspended_at, Unset):
            suspended_at = UNSET
        else:
            suspended_at = self.suspended_at

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "account_number": account_number,
                "account_type": account_type,
                "available_balance": available_balance,
                "bank_adapter": bank_adapter,
                "bank_id": bank_id,
                "clabe": clabe,
                "client_bank_adapter_id": client_bank_adapter_id,
                "client_id": client_id,
                "currency": currency,
                "id": id,
                "instrument_id": instrument_id,
                "owner_id": owner_id,
                "owner_type": owner_type,
                "provider": provider,
                "provider_reference": provider_reference,
                "status": status,
            }
        )
        if activated_at is not UNSET:
            field_dict["activated_at"] = activated_at
        if blocked_at is not UNSET:
            field_dict["blocked_at"] = blocked_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if ledger is not UNSET:
            field_dict["ledger"] = ledger
        if suspended_at is not UNSET:
            field_dict["suspended_at"] = suspended_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ledger_balance import LedgerBalance  # noqa: PLC0415

        d = dict(src_dict)
        account_id = UUID(d.pop("account_id"))

        account_number = d.pop("account_number")

        account_type = d.pop("account_type")

        available_balance = d.pop("available_balance")

        bank_adapter = d.pop("bank_adapter")

        bank_id = UUID(d.pop("bank_id"))

        clabe = d.pop("clabe")

        client_bank_adapter_id = UUID(d.pop("client_bank_adapter_id"))

        client_id = UUID(d.pop("client_id"))

        currency = d.pop("currency")

        id = UUID(d.pop("id"))

        instrument_id = UUID(d.pop("instrument_id"))

        owner_id = UUID(d.pop("owner_id"))

        owner_type = d.pop("owner_type")

        provider = d.pop("provider")

        provider_reference = d.pop("provider_reference")

        status = d.pop("status")

        def _parse_activated_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        activated_at = _parse_activated_at(d.pop("activated_at", UNSET))

        def _parse_blocked_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        blocked_at = _parse_blocked_at(d.pop("blocked_at", UNSET))

        def _parse_created_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_ledger(data: object) -> LedgerBalance | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ledger_type_1 = LedgerBalance.from_dict(data)

                return ledger_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LedgerBalance | None | Unset, data)

        ledger = _parse_ledger(d.pop("ledger", UNSET))

        def _parse_suspended_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        suspended_at = _parse_suspended_at(d.pop("suspended_at", UNSET))

        def _parse_updated_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        updated_at = _parse_updated_at(d.pop("updated_at", UNSET))

        account = cls(
            account_id=account_id,
            account_number=account_number,
            account_type=account_type,
            available_balance=available_balance,
            bank_adapter=bank_adapter,
            bank_id=bank_id,
            clabe=clabe,
            client_bank_adapter_id=client_bank_adapter_id,
            client_id=client_id,
            currency=currency,
            id=id,
            instrument_id=instrument_id,
            owner_id=owner_id,
            owner_type=owner_type,
            provider=provider,
            provider_reference=provider_reference,
            status=status,
            activated_at=activated_at,
            blocked_at=blocked_at,
            created_at=created_at,
            ledger=ledger,
            suspended_at=suspended_at,
            updated_at=updated_at,
        )

        account.additional_properties = d
        return account

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
