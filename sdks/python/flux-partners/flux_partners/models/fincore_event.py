from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.fincore_event_body import FincoreEventBody


T = TypeVar("T", bound="FincoreEvent")


@_attrs_define
class FincoreEvent:
    """A Fincore webhook event, as Fincore documents it: `id_msg` (its unique message id, by which
    a redelivery is recognised) is required. A body Flux cannot read (not JSON, no `id_msg`, a
    repeated key) is still stored and acknowledged with 200, `outcome: kept_for_review`, so
    Fincore stops redelivering it and an operator can look.

        Attributes:
            body (FincoreEventBody): The event's data; its shape depends on `msg_name`.
            id_msg (str): Unique message id; not empty.
            msg_name (str): MONEY_IN, STATUS_UPDATE or CEP.
            msg_date (None | str | Unset):
    """

    body: FincoreEventBody
    id_msg: str
    msg_name: str
    msg_date: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        body = self.body.to_dict()

        id_msg = self.id_msg

        msg_name = self.msg_name

        msg_date: None | str | Unset
        if isinstance(self.msg_date, Unset):
            msg_date = UNSET
        else:
            msg_date = self.msg_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "body": body,
                "id_msg": id_msg,
                "msg_name": msg_name,
            }
        )
        if msg_date is not UNSET:
            field_dict["msg_date"] = msg_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fincore_event_body import FincoreEventBody  # noqa: PLC0415

        d = dict(src_dict)
        body = FincoreEventBody.from_dict(d.pop("body"))

        id_msg = d.pop("id_msg")

        msg_name = d.pop("msg_name")

        def _parse_msg_date(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        msg_date = _parse_msg_date(d.pop("msg_date", UNSET))

        fincore_event = cls(
            body=body,
            id_msg=id_msg,
            msg_name=msg_name,
            msg_date=msg_date,
        )

        fincore_event.additional_properties = d
        return fincore_event

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
