from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.transaction_operation import TransactionOperation


T = TypeVar("T", bound="TransactionResponse")


@_attrs_define
class TransactionResponse:
    """`id` is an opaque string: the seed's own example id ("7c3d4e5f-6a89-0123-4567-890abcdef0123")
    has 13 hex digits in its last group, so it is not a UUID and a client must not insist on one.

        Attributes:
            created_at (str):
            currency (str):
            id (str):
            ledger_id (UUID):
            metadata (Any):
            operations (list[TransactionOperation]):
            reference_id (str):
            status (str): "completed" for a transaction posted in one step (the seed's only status).
            updated_at (str):
            description (None | str | Unset):
    """

    created_at: str
    currency: str
    id: str
    ledger_id: UUID
    metadata: Any
    operations: list[TransactionOperation]
    reference_id: str
    status: str
    updated_at: str
    description: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        currency = self.currency

        id = self.id

        ledger_id = str(self.ledger_id)

        metadata = self.metadata

        operations = []
        for operations_item_data in self.operations:
            operations_item = operations_item_data.to_dict()
            operations.append(operations_item)

        reference_id = self.reference_id

        status = self.status

        updated_at = self.updated_at

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "currency": currency,
                "id": id,
                "ledger_id": ledger_id,
                "metadata": metadata,
                "operations": operations,
                "reference_id": reference_id,
                "status": status,
                "updated_at": updated_at,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.transaction_operation import TransactionOperation  # noqa: PLC0415

        d = dict(src_dict)
        created_at = d.pop("created_at")

        currency = d.pop("currency")

        id = d.pop("id")

        ledger_id = UUID(d.pop("ledger_id"))

        metadata = d.pop("metadata")

        operations = []
        _operations = d.pop("operations")
        for operations_item_data in _operations:
            operations_item = TransactionOperation.from_dict(operations_item_data)

            operations.append(operations_item)

        reference_id = d.pop("reference_id")

        status = d.pop("status")

        updated_at = d.pop("updated_at")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        transaction_response = cls(
            created_at=created_at,
            currency=currency,
            id=id,
            ledger_id=ledger_id,
            metadata=metadata,
            operations=operations,
            reference_id=reference_id,
            status=status,
            updated_at=updated_at,
            description=description,
        )

        transaction_response.additional_properties = d
        return transaction_response

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
