from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_status import CardStatus
from ..models.card_type import CardType
from ..types import UNSET, Unset

T = TypeVar("T", bound="Card")


@_attrs_define
class Card:
    """A card as partners see it: never the number, only the masked one and its last four.

    Attributes:
        cardholder_id (UUID):
        created_at (datetime.datetime):
        id (UUID):
        last4 (str): The card number's last four digits.
        masked_number (str): `************1234`: the card number is never shown.
        status (CardStatus): A card's status.
        type_ (CardType): A card's type. The seed also writes `PHISYCAL` (assign and SPEI answers): it is read as
            PHYSICAL and written correctly.
        updated_at (datetime.datetime):
        expiry (None | str | Unset): `MM/YY`; null when NeCIPCo gave none.
    """

    cardholder_id: UUID
    created_at: datetime.datetime
    id: UUID
    last4: str
    masked_number: str
    status: CardStatus
    type_: CardType
    updated_at: datetime.datetime
    expiry: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cardholder_id = str(self.cardholder_id)

        created_at = self.created_at.isoformat()

        id = str(self.id)

        last4 = self.last4

        masked_number = self.masked_number

        status = self.status.value

        type_ = self.type_.value

        updated_at = self.updated_at.isoformat()

        expiry: None | str | Unset
        if isinstance(self.expiry, Unset):
            expiry = UNSET
        else:
            expiry = self.expiry

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cardholder_id": cardholder_id,
                "created_at": created_at,
                "id": id,
                "last4": last4,
                "masked_number": masked_number,
                "status": status,
                "type": type_,
                "updated_at": updated_at,
            }
        )
        if expiry is not UNSET:
            field_dict["expiry"] = expiry

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cardholder_id = UUID(d.pop("cardholder_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        last4 = d.pop("last4")

        masked_number = d.pop("masked_number")

        status = CardStatus(d.pop("status"))

        type_ = CardType(d.pop("type"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_expiry(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expiry = _parse_expiry(d.pop("expiry", UNSET))

        card = cls(
            cardholder_id=cardholder_id,
            created_at=created_at,
            id=id,
            last4=last4,
            masked_number=masked_number,
            status=status,
            type_=type_,
            updated_at=updated_at,
            expiry=expiry,
        )

        card.additional_properties = d
        return card

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
