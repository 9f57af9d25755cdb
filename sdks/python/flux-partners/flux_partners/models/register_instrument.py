from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.register_instrument_instrument_kind import RegisterInstrumentInstrumentKind
from ..models.register_instrument_type import RegisterInstrumentType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.debit_card_in import DebitCardIn
    from ..models.virtual_clabe_in import VirtualClabeIn


T = TypeVar("T", bound="RegisterInstrument")


@_attrs_define
class RegisterInstrument:
    """Body of POST …/instruments (the seed's shape). Exactly one of `debit_card` or
    `virtual_clabe`, matching `instrumentKind`.

        Attributes:
            alias (str):
            client_id (UUID): Must equal the clientId in the path.
            instrument_kind (RegisterInstrumentInstrumentKind):
            rfc (str): RFC of the holder (12 or 13 characters), or "ND"
            source_bank_id (UUID): A known SPEI participant (an unknown bank is 422).
            type_ (RegisterInstrumentType):
            customer_id (None | Unset | UUID):
            debit_card (DebitCardIn | None | Unset):
            virtual_clabe (None | Unset | VirtualClabeIn):
    """

    alias: str
    client_id: UUID
    instrument_kind: RegisterInstrumentInstrumentKind
    rfc: str
    source_bank_id: UUID
    type_: RegisterInstrumentType
    customer_id: None | Unset | UUID = UNSET
    debit_card: DebitCardIn | None | Unset = UNSET
    virtual_clabe: None | Unset | VirtualClabeIn = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.debit_card_in import DebitCardIn  # noqa: PLC0415
        from ..models.virtual_clabe_in import VirtualClabeIn  # noqa: PLC0415

        alias = self.alias

        client_id = str(self.client_id)

        instrument_kind = self.instrument_kind.value

        rfc = self.rfc

        source_bank_id = str(self.source_bank_id)

        type_ = self.type_.value

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
        elif isinstance(self.debit_card, DebitCardIn):
            debit_card = self.debit_card.to_dict()
        else:
            debit_card = self.debit_card

        virtual_clabe: dict[str, Any] | None | Unset
        if isinstance(self.virtual_clabe, Unset):
            virtual_clabe = UNSET
        elif isinstance(self.virtual_clabe, VirtualClabeIn):
            virtual_clabe = self.virtual_clabe.to_dict()
        else:
            virtual_clabe = self.virtual_clabe

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "alias": alias,
                "client_id": client_id,
                "instrumentKind": instrument_kind,
                "rfc": rfc,
                "source_bank_id": source_bank_id,
                "type": type_,
            }
        )
        if customer_id is not UNSET:
            field_dict["customer_id"] = customer_id
        if debit_card is not UNSET:
            field_dict["debit_card"] = debit_card
        if virtual_clabe is not UNSET:
            field_dict["virtual_clabe"] = virtual_clabe

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.debit_card_in import DebitCardIn  # noqa: PLC0415
        from ..models.virtual_clabe_in import VirtualClabeIn  # noqa: PLC0415

        d = dict(src_dict)
        alias = d.pop("alias")

        client_id = UUID(d.pop("client_id"))

        instrument_kind = RegisterInstrumentInstrumentKind(d.pop("instrumentKind"))

        rfc = d.pop("rfc")

        source_bank_id = UUID(d.pop("source_bank_id"))

        type_ = RegisterInstrumentType(d.pop("type"))

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

        def _parse_debit_card(data: object) -> DebitCardIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                debit_card_type_1 = DebitCardIn.from_dict(data)

                return debit_card_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DebitCardIn | None | Unset, data)

        debit_card = _parse_debit_card(d.pop("debit_card", UNSET))

        def _parse_virtual_clabe(data: object) -> None | Unset | VirtualClabeIn:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                virtual_clabe_type_1 = VirtualClabeIn.from_dict(data)

                return virtual_clabe_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | VirtualClabeIn, data)

        virtual_clabe = _parse_virtual_clabe(d.pop("virtual_clabe", UNSET))

        register_instrument = cls(
            alias=alias,
            client_id=client_id,
            instrument_kind=instrument_kind,
            rfc=rfc,
            source_bank_id=source_bank_id,
            type_=type_,
            customer_id=customer_id,
            debit_card=debit_card,
            virtual_clabe=virtual_clabe,
        )

        return register_instrument
