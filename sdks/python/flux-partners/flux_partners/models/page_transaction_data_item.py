from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cep import Cep
    from ..models.failure import Failure
    from ..models.page_transaction_data_item_counterparty_type_0 import PageTransactionDataItemCounterpartyType0


T = TypeVar("T", bound="PageTransactionDataItem")


@_attrs_define
class PageTransactionDataItem:
    """
    Attributes:
        amount (str):
        client_id (UUID):
        created_at (str):
        currency (str):
        id (UUID):
        kind (str): MONEY_IN, MONEY_OUT or REFUND.
        provider (str):
        status (str): SUBMITTING, UNKNOWN (provider outcome not yet known), INITIALIZED, PENDING, COMPLETED,
            REJECTED or FAILED.
        updated_at (str):
        cep (Cep | None | Unset):
        counterparty (None | PageTransactionDataItemCounterpartyType0 | Unset): Payer details of a money-in.
        description (None | str | Unset):
        destination_instrument_id (None | Unset | UUID):
        external_reference (None | str | Unset):
        failure (Failure | None | Unset):
        provider_reference (None | str | Unset):
        refunded_transaction_id (None | Unset | UUID): For a refund: the money-in it returns.
        remittance_id (None | Unset | UUID): For a money-in that paid a remittance of the partner's: that remittance.
        source_instrument_id (None | Unset | UUID):
        tracking_key (None | str | Unset): SPEI tracking key (clave de rastreo).
    """

    amount: str
    client_id: UUID
    created_at: str
    currency: str
    id: UUID
    kind: str
    provider: str
    status: str
    updated_at: str
    cep: Cep | None | Unset = UNSET
    counterparty: None | PageTransactionDataItemCounterpartyType0 | Unset = UNSET
    description: None | str | Unset = UNSET
    destination_instrument_id: None | Unset | UUID = UNSET
    external_reference: None | str | Unset = UNSET
    failure: Failure | None | Unset = UNSET
    provider_reference: None | str | Unset = UNSET
    refunded_transaction_id: None | Unset | UUID = UNSET
    remittance_id: None | Unset | UUID = UNSET
    source_instrument_id: None | Unset | UUID = UNSET
    tracking_key: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.cep import Cep  # noqa: PLC0415
        from ..models.failure import Failure  # noqa: PLC0415
        from ..models.page_transaction_data_item_counterparty_type_0 import PageTransactionDataItemCounterpartyType0  # noqa: PLC0415

        amount = self.amount

        client_id = str(self.client_id)

        created_at = self.created_at

        currency = self.currency

        id = str(self.id)

        kind = self.kind

        provider = self.provider

        status = self.status

        updated_at = self.updated_at

        cep: dict[str, Any] | None | Unset
        if isinstance(self.cep, Unset):
            cep = UNSET
        elif isinstance(self.cep, Cep):
            cep = self.cep.to_dict()
        else:
            cep = self.cep

        counterparty: dict[str, Any] | None | Unset
        if isinstance(self.counterparty, Unset):
            counterparty = UNSET
        elif isinstance(self.counterparty, PageTransactionDataItemCounterpartyType0):
            counterparty = self.counterparty.to_dict()
        else:
            counterparty = self.counterparty

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        destination_instrument_id: None | str | Unset
        if isinstance(self.destination_instrument_id, Unset):
            destination_instrument_id = UNSET
        elif isinstance(self.destination_instrument_id, UUID):
            destination_instrument_id = str(self.destination_instrument_id)
        else:
            destination_instrument_id = self.destination_instrument_id

        external_reference: None | str | Unset
        if isinstance(self.external_reference, Unset):
            external_reference = UNSET
        else:
            external_reference = self.external_reference

        failure: dict[str, Any] | None | Unset
        if isinstance(self.failure, Unset):
            failure = UNSET
        elif isinstance(self.failure, Failure):
            failure = self.failure.to_dict()
        else:
            failure = self.failure

        provider_reference: None | str | Unset
        if isinstance(self.provider_reference, Unset):
            provider_reference = UNSET
        else:
            provider_reference = self.provider_reference

        refunded_transaction_id: None | str | Unset
        if isinstance(self.refunded_transaction_id, Unset):
            refunded_transaction_id = UNSET
        elif isinstance(self.refunded_transaction_id, UUID):
            refunded_transaction_id = str(self.refunded_transaction_id)
        else:
            refunded_transaction_id = self.refunded_transaction_id

        remittance_id: None | str | Unset
        if isinstance(self.remittance_id, Unset):
            remittance_id = UNSET
        elif isinstance(self.remittance_id, UUID):
            remittance_id = str(self.remittance_id)
        else:
            remittance_id = self.remittance_id

        source_instrument_id: None | str | Unset
        if isinstance(self.source_instrument_id, Unset):
            source_instrument_id = UNSET
        elif isinstance(self.source_instrument_id, UUID):
            source_instrument_id = str(self.source_instrument_id)
        else:
            source_instrument_id = self.source_instrument_id

        tracking_key: None | str | Unset
        if isinstance(self.tracking_key, Unset):
            tracking_key = UNSET
        else:
            tracking_key = self.tracking_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "client_id": client_id,
                "created_at": created_at,
                "currency": currency,
                "id": id,
                "kind": kind,
                "provider": provider,
                "status": status,
                "updated_at": updated_at,
            }
        )
        if cep is not UNSET:
            field_dict["cep"] = cep
        if counterparty is not UNSET:
            field_dict["counterparty"] = counterparty
        if description is not UNSET:
            field_dict["description"] = description
        if destination_instrument_id is not UNSET:
            field_dict["destination_instrument_id"] = destination_instrument_id
        if external_reference is not UNSET:
            field_dict["external_reference"] = external_reference
        if failure is not UNSET:
            field_dict["failure"] = failure
        if provider_reference is not UNSET:
            field_dict["provider_reference"] = provider_reference
        if refunded_transaction_id is not UNSET:
            field_dict["refunded_transaction_id"] = refunded_transaction_id
        if remittance_id is not UNSET:
            field_dict["remittance_id"] = remittance_id
        if source_instrument_id is not UNSET:
            field_dict["source_instrument_id"] = source_instrument_id
        if tracking_key is not UNSET:
            field_dict["tracking_key"] = tracking_key

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cep import Cep  # noqa: PLC0415
        from ..models.failure import Failure  # noqa: PLC0415
        from ..models.page_transaction_data_item_counterparty_type_0 import PageTransactionDataItemCounterpartyType0  # noqa: PLC0415

        d = dict(src_dict)
        amount = d.pop("amount")

        client_id = UUID(d.pop("client_id"))

        created_at = d.pop("created_at")

        currency = d.pop("currency")

        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        provider = d.pop("provider")

        status = d.pop("status")

        updated_at = d.pop("updated_at")

        def _parse_cep(data: object) -> Cep | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                cep_type_1 = Cep.from_dict(data)

                return cep_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Cep | None | Unset, data)

        cep = _parse_cep(d.pop("cep", UNSET))

        def _parse_counterparty(data: object) -> None | PageTransactionDataItemCounterpartyType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                counterparty_type_0 = PageTransactionDataItemCounterpartyType0.from_dict(data)

                return counterparty_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PageTransactionDataItemCounterpartyType0 | Unset, data)

        counterparty = _parse_counterparty(d.pop("counterparty", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_destination_instrument_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                destination_instrument_id_type_0 = UUID(data)

                return destination_instrument_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        destination_instrument_id = _parse_destination_instrument_id(d.pop("destination_instrument_id", UNSET))

        def _parse_external_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_reference = _parse_external_reference(d.pop("external_reference", UNSET))

        def _parse_failure(data: object) -> Failure | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                failure_type_1 = Failure.from_dict(data)

                return failure_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Failure | None | Unset, data)

        failure = _parse_failure(d.pop("failure", UNSET))

        def _parse_provider_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        provider_reference = _parse_provider_reference(d.pop("provider_reference", UNSET))

        def _parse_refunded_transaction_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                refunded_transaction_id_type_0 = UUID(data)

                return refunded_transaction_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        refunded_transaction_id = _parse_refunded_transaction_id(d.pop("refunded_transaction_id", UNSET))

        def _parse_remittance_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                remittance_id_type_0 = UUID(data)

                return remittance_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        remittance_id = _parse_remittance_id(d.pop("remittance_id", UNSET))

        def _parse_source_instrument_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                source_instrument_id_type_0 = UUID(data)

                return source_instrument_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        source_instrument_id = _parse_source_instrument_id(d.pop("source_instrument_id", UNSET))

        def _parse_tracking_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tracking_key = _parse_tracking_key(d.pop("tracking_key", UNSET))

        page_transaction_data_item = cls(
            amount=amount,
            client_id=client_id,
            created_at=created_at,
            currency=currency,
            id=id,
            kind=kind,
            provider=provider,
            status=status,
            updated_at=updated_at,
            cep=cep,
            counterparty=counterparty,
            description=description,
            destination_instrument_id=destination_instrument_id,
            external_reference=external_reference,
            failure=failure,
            provider_reference=provider_reference,
            refunded_transaction_id=refunded_transaction_id,
            remittance_id=remittance_id,
            source_instrument_id=source_instrument_id,
            tracking_key=tracking_key,
        )

        page_transaction_data_item.additional_properties = d
        return page_transaction_data_item

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
