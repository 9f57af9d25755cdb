from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewCard")


@_attrs_define
class NewCard:
    """A card to issue: a VIRTUAL one, or a PHYSICAL plastic assigned by its number, ciphered
    for NeCIPCo (see `GET /api/partners/cards/pin-encryption-key`).

        Attributes:
            cardholder_id (UUID): One of the client's cardholders.
            document_number (str):
            document_type (str): A value of NeCIPCo's document types catalog.
            latitude (str): The end user's latitude, 5 decimals.
            longitude (str): The end user's longitude, 5 decimals.
            type_ (str):
            card_number_ciphertext (None | str | Unset): PHYSICAL only: the plastic's number, RSA-OAEP ciphered, base64.
    """

    cardholder_id: UUID
    document_number: str
    document_type: str
    latitude: str
    longitude: str
    type_: str
    card_number_ciphertext: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        cardholder_id = str(self.cardholder_id)

        document_number = self.document_number

        document_type = self.document_type

        latitude = self.latitude

        longitude = self.longitude

        type_ = self.type_

        card_number_ciphertext: None | str | Unset
        if isinstance(self.card_number_ciphertext, Unset):
            card_number_ciphertext = UNSET
        else:
            card_number_ciphertext = self.card_number_ciphertext

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "cardholder_id": cardholder_id,
                "document_number": document_number,
                "document_type": document_type,
                "latitude": latitude,
                "longitude": longitude,
                "type": type_,
            }
        )
        if card_number_ciphertext is not UNSET:
            field_dict["card_number_ciphertext"] = card_number_ciphertext

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cardholder_id = UUID(d.pop("cardholder_id"))

        document_number = d.pop("document_number")

        document_type = d.pop("document_type")

        latitude = d.pop("latitude")

        longitude = d.pop("longitude")

        type_ = d.pop("type")

        def _parse_card_number_ciphertext(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        card_number_ciphertext = _parse_card_number_ciphertext(d.pop("card_number_ciphertext", UNSET))

        new_card = cls(
            cardholder_id=cardholder_id,
            document_number=document_number,
            document_type=document_type,
            latitude=latitude,
            longitude=longitude,
            type_=type_,
            card_number_ciphertext=card_number_ciphertext,
        )

        return new_card
