from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.clabe_detail import ClabeDetail
    from ..models.debit_card_detail import DebitCardDetail


T = TypeVar("T", bound="PageInstrumentDataItem")


@_attrs_define
class PageInstrumentDataItem:
    """
    Attributes:
        alias (str):
        bank_id (UUID):
        client_id (UUID):
        id (UUID):
        instrument_kind (str): debit_card or virtual_clabe (a private account's own CLABE is also virtual_clabe).
        owner_id (UUID):
        provider (str):
        provider_reference (str):
        rfc (str):
        type_ (str): RECEIVER.
        created_at (None | str | Unset):
        customer_id (None | Unset | UUID):
        debit_card (DebitCardDetail | None | Unset):
        updated_at (None | str | Unset):
        virtual_clabe (ClabeDetail | None | Unset):
    """

    alias: str
    bank_id: UUID
    client_id: UUID
    id: UUID
    instrument_kind: str
    owner_id: UUID
    provider: str
    provider_reference: str
    rfc: str
    type_: str
    created_at: None | str | Unset = UNSET
    customer_id: None | Unset | UUID = UNSET
    debit_card: DebitCardDetail | None | Unset = UNSET
    updated_at: None | str | Unset = UNSET
    virtual_clabe: ClabeDetail | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.clabe_detail import ClabeDetail  # noqa: PLC0415
        from ..models.debit_card_detail import DebitCardDetail  # noqa: PLC0415

        alias = self.alias

        bank_id = str(self.bank_id)

        client_id = str(self.client_id)

        id = str(self.id)

        instrument_kind = self.instrument_kind

        owner_id = str(self.owner_id)

        provider = self.provider

        provider_reference = self.provider_reference

        rfc = self.rfc

        type_ = self.type_

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        else:
            created_at = self.created_at

        customer_id: None | str | Unset
        if isinstance(self.customer_id, Unset):
            customer_id = UNSET
        elif isinstance(self.customer_id, UUID):
            customer_id = str(self.customer_id)
        else:
            customer_id = self.customer_id

        debit_card: dict[str, Any] | None | Unset
        if isinstance(self.debit_card, Unset):
            debit_card = UNSET
        elif isinstance(self.debit_card, DebitCardDetail):
            debit_card = self.debit_card.to_dict()
        else:
            debit_card = self.debit_card

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = self.updated_at

        virtual_clabe: dict[str, Any] | None | Unset
        if isinstance(self.virtual_clabe, Unset):
            virtual_clabe = UNSET
        elif isinstance(self.virtual_clabe, ClabeDetail):
            virtual_clabe = self.virtual_clabe.to_dict()
        else:
            virtual_clabe = self.virtual_clabe

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "alias": alias,
                "bank_id": bank_id,
                "client_id": client_id,
                "id": id,
                "instrument_kind": instrument_kind,
                "owner_id": owner_id,
                "provider": provider,
                "provider_reference": provider_reference,
                "rfc": rfc,
                "type": type_,
            }
        )
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if customer_id is not UNSET:
            field_dict["customer_id"] = customer_id
        if debit_card is not UNSET:
            field_dict["debit_card"] = debit_card
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if virtual_clabe is not UNSET:
            field_dict["virtual_clabe"] = virtual_clabe

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.clabe_detail import ClabeDetail  # noqa: PLC0415
        from ..models.debit_card_detail import DebitCardDetail  # noqa: PLC0415

        d = dict(src_dict)
        alias = d.pop("alias")

        bank_id = UUID(d.pop("bank_id"))

        client_id = UUID(d.pop("client_id"))

        id = UUID(d.pop("id"))

        instrument_kind = d.pop("instrument_kind")

        owner_id = UUID(d.pop("owner_id"))

        provider = d.pop("provider")

        provider_reference = d.pop("provider_reference")

        rfc = d.pop("rfc")

        type_ = d.pop("type")

        def _parse_created_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_customer_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                customer_id_type_0 = UUID(data)

                return customer_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        customer_id = _parse_customer_id(d.pop("customer_id", UNSET))

        def _parse_debit_card(data: object) -> DebitCardDetail | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                debit_card_type_1 = DebitCardDetail.from_dict(data)

                return debit_card_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DebitCardDetail | None | Unset, data)

        debit_card = _parse_debit_card(d.pop("debit_card", UNSET))

        def _parse_updated_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        updated_at = _parse_updated_at(d.pop("updated_at", UNSET))

        def _parse_virtual_clabe(data: object) -> ClabeDetail | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                virtual_clabe_type_1 = ClabeDetail.from_dict(data)

                return virtual_clabe_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ClabeDetail | None | Unset, data)

        virtual_clabe = _parse_virtual_clabe(d.pop("virtual_clabe", UNSET))

        page_instrument_data_item = cls(
            alias=alias,
            bank_id=bank_id,
            client_id=client_id,
            id=id,
            instrument_kind=instrument_kind,
            owner_id=owner_id,
            provider=provider,
            provider_reference=provider_reference,
            rfc=rfc,
            type_=type_,
            created_at=created_at,
            customer_id=customer_id,
            debit_card=debit_card,
            updated_at=updated_at,
            virtual_clabe=virtual_clabe,
        )

        page_instrument_data_item.additional_properties = d
        return page_instrument_data_item

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
