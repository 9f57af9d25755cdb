from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.page_remittance_data_item_masked_beneficiary import PageRemittanceDataItemMaskedBeneficiary
    from ..models.page_remittance_data_item_metadata_type_0 import PageRemittanceDataItemMetadataType0
    from ..models.settlement import Settlement
    from ..models.status_change import StatusChange


T = TypeVar("T", bound="PageRemittanceDataItem")


@_attrs_define
class PageRemittanceDataItem:
    """A remittance as the Partners API shows it.

    Attributes:
        beneficiary (PageRemittanceDataItemMaskedBeneficiary): As sent, with the account number masked.
        client_id (UUID):
        created_at (str):
        currency (str):
        external_reference (str):
        id (UUID):
        status (str): CREATED, STARTED, CONFIRMED, IN_PROGRESS, COMPLETED, FAILED, CANCELLED or REFUNDED.
        updated_at (str):
        amount (None | str | Unset): Decimal string, or null when the sender chooses the amount.
        history (list[StatusChange] | None | Unset): Only in GET …/remittances/{id}.
        metadata (None | PageRemittanceDataItemMetadataType0 | Unset):
        provider_reference (None | str | Unset): Félix's id of the remittance; null until Félix answered.
        settlement (None | Settlement | Unset):
    """

    beneficiary: PageRemittanceDataItemMaskedBeneficiary
    client_id: UUID
    created_at: str
    currency: str
    external_reference: str
    id: UUID
    status: str
    updated_at: str
    amount: None | str | Unset = UNSET
    history: list[StatusChange] | None | Unset = UNSET
    metadata: None | PageRemittanceDataItemMetadataType0 | Unset = UNSET
    provider_reference: None | str | Unset = UNSET
    settlement: None | Settlement | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.page_remittance_data_item_metadata_type_0 import PageRemittanceDataItemMetadataType0  # noqa: PLC0415
        from ..models.settlement import Settlement  # noqa: PLC0415

        beneficiary = self.beneficiary.to_dict()

        client_id = str(self.client_id)

        created_at = self.created_at

        currency = self.currency

        external_reference = self.external_reference

        id = str(self.id)

        status = self.status

        updated_at = self.updated_at

        amount: None | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        history: list[dict[str, Any]] | None | Unset
        if isinstance(self.history, Unset):
            history = UNSET
        elif isinstance(self.history, list):
            history = []
            for history_type_0_item_data in self.history:
                history_type_0_item = history_type_0_item_data.to_dict()
                history.append(history_type_0_item)

        else:
            history = self.history

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, PageRemittanceDataItemMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        provider_reference: None | str | Unset
        if isinstance(self.provider_reference, Unset):
            provider_reference = UNSET
        else:
            provider_reference = self.provider_reference

        settlement: dict[str, Any] | None | Unset
        if isinstance(self.settlement, Unset):
            settlement = UNSET
        elif isinstance(self.settlement, Settlement):
            settlement = self.settlement.to_dict()
        else:
            settlement = self.settlement

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "beneficiary": beneficiary,
                "client_id": client_id,
                "created_at": created_at,
                "currency": currency,
                "external_reference": external_reference,
                "id": id,
                "status": status,
                "updated_at": updated_at,
            }
        )
        if amount is not UNSET:
            field_dict["amount"] = amount
        if history is not UNSET:
            field_dict["history"] = history
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if provider_reference is not UNSET:
            field_dict["provider_reference"] = provider_reference
        if settlement is not UNSET:
            field_dict["settlement"] = settlement

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.page_remittance_data_item_masked_beneficiary import PageRemittanceDataItemMaskedBeneficiary  # noqa: PLC0415
        from ..models.page_remittance_data_item_metadata_type_0 import PageRemittanceDataItemMetadataType0  # noqa: PLC0415
        from ..models.settlement import Settlement  # noqa: PLC0415
        from ..models.status_change import StatusChange  # noqa: PLC0415

        d = dict(src_dict)
        beneficiary = PageRemittanceDataItemMaskedBeneficiary.from_dict(d.pop("beneficiary"))

        client_id = UUID(d.pop("client_id"))

        created_at = d.pop("created_at")

        currency = d.pop("currency")

        external_reference = d.pop("external_reference")

        id = UUID(d.pop("id"))

        status = d.pop("status")

        updated_at = d.pop("updated_at")

        def _parse_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))

        def _parse_history(data: object) -> list[StatusChange] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                history_type_0 = []
                _history_type_0 = data
                for history_type_0_item_data in _history_type_0:
                    history_type_0_item = StatusChange.from_dict(history_type_0_item_data)

                    history_type_0.append(history_type_0_item)

                return history_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[StatusChange] | None | Unset, data)

        history = _parse_history(d.pop("history", UNSET))

        def _parse_metadata(data: object) -> None | PageRemittanceDataItemMetadataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = PageRemittanceDataItemMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PageRemittanceDataItemMetadataType0 | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_provider_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        provider_reference = _parse_provider_reference(d.pop("provider_reference", UNSET))

        def _parse_settlement(data: object) -> None | Settlement | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                settlement_type_1 = Settlement.from_dict(data)

                return settlement_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Settlement | Unset, data)

        settlement = _parse_settlement(d.pop("settlement", UNSET))

        page_remittance_data_item = cls(
            beneficiary=beneficiary,
            client_id=client_id,
            created_at=created_at,
            currency=currency,
            external_reference=external_reference,
            id=id,
            status=status,
            updated_at=updated_at,
            amount=amount,
            history=history,
            metadata=metadata,
            provider_reference=provider_reference,
            settlement=settlement,
        )

        page_remittance_data_item.additional_properties = d
        return page_remittance_data_item

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
