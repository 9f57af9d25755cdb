from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.decline_reason import DeclineReason
from ..models.purchase_status import PurchaseStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="SandboxPurchase")


@_attrs_define
class SandboxPurchase:
    """A sandbox purchase's answer: APPROVED with NeCIPCo's operation, or DECLINED with why. One
    flat object rather than a tagged union, so every generator reads it.

        Attributes:
            amount (str): Decimal string such as "100.00" (never a JSON number): greater than 0, at most 100000000, with no
                more decimals than the currency allows (2)
            card_id (UUID):
            merchant (str):
            status (PurchaseStatus): What the sandbox terminal was told.
            authorization (None | str | Unset): APPROVED: NeCIPCo's authorization code, when it gave one.
            operation_id (None | str | Unset): APPROVED: NeCIPCo's operation id.
            reason (DeclineReason | None | Unset):
    """

    amount: str
    card_id: UUID
    merchant: str
    status: PurchaseStatus
    authorization: None | str | Unset = UNSET
    operation_id: None | str | Unset = UNSET
    reason: DeclineReason | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        card_id = str(self.card_id)

        merchant = self.merchant

        status = self.status.value

        authorization: None | str | Unset
        if isinstance(self.authorization, Unset):
            authorization = UNSET
        else:
            authorization = self.authorization

        operation_id: None | str | Unset
        if isinstance(self.operation_id, Unset):
            operation_id = UNSET
        else:
            operation_id = self.operation_id

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        elif isinstance(self.reason, DeclineReason):
            reason = self.reason.value
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "card_id": card_id,
                "merchant": merchant,
                "status": status,
            }
        )
        if authorization is not UNSET:
            field_dict["authorization"] = authorization
        if operation_id is not UNSET:
            field_dict["operation_id"] = operation_id
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        card_id = UUID(d.pop("card_id"))

        merchant = d.pop("merchant")

        status = PurchaseStatus(d.pop("status"))

        def _parse_authorization(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        authorization = _parse_authorization(d.pop("authorization", UNSET))

        def _parse_operation_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        operation_id = _parse_operation_id(d.pop("operation_id", UNSET))

        def _parse_reason(data: object) -> DeclineReason | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reason_type_1 = DeclineReason(data)

                return reason_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeclineReason | None | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        sandbox_purchase = cls(
            amount=amount,
            card_id=card_id,
            merchant=merchant,
            status=status,
            authorization=authorization,
            operation_id=operation_id,
            reason=reason,
        )

        sandbox_purchase.additional_properties = d
        return sandbox_purchase

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
