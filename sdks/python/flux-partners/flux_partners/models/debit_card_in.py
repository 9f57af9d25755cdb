from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="DebitCardIn")


@_attrs_define
class DebitCardIn:
    """
    Attributes:
        card_number (str): 16 digits passing the Luhn check
        destination_bank_id (UUID): A known SPEI participant (an unknown bank is 422).
        holder_name (str):
    """

    card_number: str
    destination_bank_id: UUID
    holder_name: str

    def to_dict(self) -> dict[str, Any]:
        card_number = self.card_number

        destination_bank_id = str(self.destination_bank_id)

        holder_name = self.holder_name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "card_number": card_number,
                "destination_bank_id": destination_bank_id,
                "holder_name": holder_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        card_number = d.pop("card_number")

        destination_bank_id = UUID(d.pop("destination_bank_id"))

        holder_name = d.pop("holder_name")

        debit_card_in = cls(
            card_number=card_number,
            destination_bank_id=destination_bank_id,
            holder_name=holder_name,
        )

        return debit_card_in
