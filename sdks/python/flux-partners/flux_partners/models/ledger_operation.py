from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.ledger_operation_direction import LedgerOperationDirection

T = TypeVar("T", bound="LedgerOperation")


@_attrs_define
class LedgerOperation:
    """One leg of a ledger transaction.

    Attributes:
        account_id (UUID): An account of the client's ledger, in the transaction's currency.
        amount (str): Decimal string greater than 0, with no more decimals than the currency allows.
        direction (LedgerOperationDirection):
    """

    account_id: UUID
    amount: str
    direction: LedgerOperationDirection
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = str(self.account_id)

        amount = self.amount

        direction = self.direction.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "amount": amount,
                "direction": direction,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = UUID(d.pop("account_id"))

        amount = d.pop("amount")

        direction = LedgerOperationDirection(d.pop("direction"))

        ledger_operation = cls(
            account_id=account_id,
            amount=amount,
            direction=direction,
        )

        ledger_operation.additional_properties = d
        return ledger_operation

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
