from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CardMovement")


@_attrs_define
class CardMovement:
    """A card movement as partners see it (NeCIPCo's codes and texts passed on).

    Attributes:
        amount (str): Decimal string such as "100.00" (never a JSON number); may be zero or negative
        authorization (str):
        currency (str):
        date (str): `YYYY-MM-DD HH:MM:SS`, Mexico City time.
        description (str):
        id (str):
        merchant (str):
        status (str):
        type_ (str): NeCIPCo's movement type.
    """

    amount: str
    authorization: str
    currency: str
    date: str
    description: str
    id: str
    merchant: str
    status: str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        authorization = self.authorization

        currency = self.currency

        date = self.date

        description = self.description

        id = self.id

        merchant = self.merchant

        status = self.status

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "authorization": authorization,
                "currency": currency,
                "date": date,
                "description": description,
                "id": id,
                "merchant": merchant,
                "status": status,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        authorization = d.pop("authorization")

        currency = d.pop("currency")

        date = d.pop("date")

        description = d.pop("description")

        id = d.pop("id")

        merchant = d.pop("merchant")

        status = d.pop("status")

        type_ = d.pop("type")

        card_movement = cls(
            amount=amount,
            authorization=authorization,
            currency=currency,
            date=date,
            description=description,
            id=id,
            merchant=merchant,
            status=status,
            type_=type_,
        )

        card_movement.additional_properties = d
        return card_movement

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
