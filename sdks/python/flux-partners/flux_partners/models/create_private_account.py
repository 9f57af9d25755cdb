from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="CreatePrivateAccount")


@_attrs_define
class CreatePrivateAccount:
    """Body of POST …/private-accounts (the seed's shape).

    Attributes:
        account_id (UUID): Your id for the account; the nil UUID lets the provider assign one.
        bank_id (UUID): The issuing bank: Finco Pay, 9d84b03a-28d1-4898-a69c-38824239e2b1 (an unknown bank is 422).
        client_bank_adapter_id (UUID):
        client_id (UUID): Must equal the clientId in the path.
        owner_id (UUID):
    """

    account_id: UUID
    bank_id: UUID
    client_bank_adapter_id: UUID
    client_id: UUID
    owner_id: UUID

    def to_dict(self) -> dict[str, Any]:
        account_id = str(self.account_id)

        bank_id = str(self.bank_id)

        client_bank_adapter_id = str(self.client_bank_adapter_id)

        client_id = str(self.client_id)

        owner_id = str(self.owner_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "account_id": account_id,
                "bank_id": bank_id,
                "client_bank_adapter_id": client_bank_adapter_id,
                "client_id": client_id,
                "owner_id": owner_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = UUID(d.pop("account_id"))

        bank_id = UUID(d.pop("bank_id"))

        client_bank_adapter_id = UUID(d.pop("client_bank_adapter_id"))

        client_id = UUID(d.pop("client_id"))

        owner_id = UUID(d.pop("owner_id"))

        create_private_account = cls(
            account_id=account_id,
            bank_id=bank_id,
            client_bank_adapter_id=client_bank_adapter_id,
            client_id=client_id,
            owner_id=owner_id,
        )

        return create_private_account
