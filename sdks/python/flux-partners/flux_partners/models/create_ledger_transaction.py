from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.create_ledger_transaction_currency import CreateLedgerTransactionCurrency
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_ledger_transaction_metadata import CreateLedgerTransactionMetadata
    from ..models.ledger_operation import LedgerOperation


T = TypeVar("T", bound="CreateLedgerTransaction")


@_attrs_define
class CreateLedgerTransaction:
    """Body of POST …/ledger/transactions: 2 to 64 operations whose debits equal their credits
    (else 422 `unbalanced_transaction`).

        Attributes:
            currency (CreateLedgerTransactionCurrency):
            operations (list[LedgerOperation]):
            reference_id (str): Your reference, unique in the ledger (a reused one is 409 `duplicate_reference_id`):
                1 to 128 characters without leading or trailing spaces.
            description (None | str | Unset):
            metadata (CreateLedgerTransactionMetadata | Unset): A JSON object (not null).
    """

    currency: CreateLedgerTransactionCurrency
    operations: list[LedgerOperation]
    reference_id: str
    description: None | str | Unset = UNSET
    metadata: CreateLedgerTransactionMetadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency.value

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

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
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
        from ..models.create_ledger_transaction_metadata import CreateLedgerTransactionMetadata  # noqa: PLC0415
        from ..models.ledger_operation import LedgerOperation  # noqa: PLC0415

        d = dict(src_dict)
        currency = CreateLedgerTransactionCurrency(d.pop("currency"))

        operations = []
        _operations = d.pop("operations")
        for operations_item_data in _operations:
            operations_item = LedgerOperation.from_dict(operations_item_data)

            operations.append(operations_item)

        reference_id = d.pop("reference_id")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: CreateLedgerTransactionMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = CreateLedgerTransactionMetadata.from_dict(_metadata)

        create_ledger_transaction = cls(
            currency=currency,
            operations=operations,
            reference_id=reference_id,
            description=description,
            metadata=metadata,
        )

        create_ledger_transaction.additional_properties = d
        return create_ledger_transaction

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
