from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.new_remittance_currency import NewRemittanceCurrency
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.new_remittance_metadata_type_0 import NewRemittanceMetadataType0
    from ..models.remittance_beneficiary import RemittanceBeneficiary


T = TypeVar("T", bound="NewRemittance")


@_attrs_define
class NewRemittance:
    """Body of POST …/remittances.

    Attributes:
        beneficiary (RemittanceBeneficiary):
        currency (NewRemittanceCurrency):
        external_reference (str):
        amount (None | str | Unset): Decimal string such as "100.00" (never a JSON number): greater than 0, at most
            100000000, with no more decimals than the currency allows (2)
        metadata (NewRemittanceMetadataType0 | None | Unset): Any JSON object, kept with the remittance.
    """

    beneficiary: RemittanceBeneficiary
    currency: NewRemittanceCurrency
    external_reference: str
    amount: None | str | Unset = UNSET
    metadata: NewRemittanceMetadataType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.new_remittance_metadata_type_0 import NewRemittanceMetadataType0  # noqa: PLC0415

        beneficiary = self.beneficiary.to_dict()

        currency = self.currency.value

        external_reference = self.external_reference

        amount: None | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, NewRemittanceMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "beneficiary": beneficiary,
                "currency": currency,
                "external_reference": external_reference,
            }
        )
        if amount is not UNSET:
            field_dict["amount"] = amount
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.new_remittance_metadata_type_0 import NewRemittanceMetadataType0  # noqa: PLC0415
        from ..models.remittance_beneficiary import RemittanceBeneficiary  # noqa: PLC0415

        d = dict(src_dict)
        beneficiary = RemittanceBeneficiary.from_dict(d.pop("beneficiary"))

        currency = NewRemittanceCurrency(d.pop("currency"))

        external_reference = d.pop("external_reference")

        def _parse_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))

        def _parse_metadata(data: object) -> NewRemittanceMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = NewRemittanceMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NewRemittanceMetadataType0 | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        new_remittance = cls(
            beneficiary=beneficiary,
            currency=currency,
            external_reference=external_reference,
            amount=amount,
            metadata=metadata,
        )

        return new_remittance
