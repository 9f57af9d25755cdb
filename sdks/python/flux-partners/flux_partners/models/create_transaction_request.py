from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.transaction_operation import TransactionOperation


T = TypeVar("T", bound="CreateTransactionRequest")


@_attrs_define
class CreateTransactionRequest:
    """`POST /fidix/v1/transactions`, exactly the seed's example shape. Fidi X has no holds: every
    transaction is posted at once (Flux's own books use the engine's holds directly).

        Attributes:
            currency (str):
            ledger_id (UUID):
            operations (list[TransactionOperation]):
            reference_id (str):
            description (None | str | Unset):
            metadata (Any | Unset):
    """

    currency: str
    ledger_id: UUID
    operations: list[TransactionOperation]
    reference_id: str
    description: None | str | Unset = UNSET
    metadata: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        ledger_id = str(self.ledger_id)

        operations = []
        for operations_item_data in self.operations:
            operations_item = operations_item_data.to_dict()
            operations.append(operations_item)

        reference_id = self.reference_id

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        metadata = self.metadata

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "ledger_id": ledger_id,
                "operations": operations,
                "reference_id": reference_id,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.transaction_operation import TransactionOperation  # noqa: PLC0415

        d = dict(src_dict)
        currency = d.pop("currency")

        ledger_id = UUID(d.pop("ledger_id"))

        operations = []
        _operations = d.pop("operations")
        for operations_item_data in _operations:
            operations_item = TransactionOperation.from_dict(operations_item_data)

            operations.append(operations_item)

        reference_id = d.pop("reference_id")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        metadata = d.pop("metadata", UNSET)

        create_transaction_request = cls(
            currency=currency,
            ledger_id=ledger_id,
            operations=operations,
            reference_id=reference_id,
            description=description,
            metadata=metadata,
        )

        create_transaction_request.additional_properties = d
        return create_transaction_request

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
