from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PersonResponse")


@_attrs_define
class PersonResponse:
    """A person.

    Attributes:
        created_at (str):
        id (UUID):
        ledger_id (UUID):
        metadata (Any):
        name (str):
        type_ (str):
        email (None | str | Unset):
        tax_id (None | str | Unset):
    """

    created_at: str
    id: UUID
    ledger_id: UUID
    metadata: Any
    name: str
    type_: str
    email: None | str | Unset = UNSET
    tax_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        id = str(self.id)

        ledger_id = str(self.ledger_id)

        metadata = self.metadata

        name = self.name

        type_ = self.type_

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        tax_id: None | str | Unset
        if isinstance(self.tax_id, Unset):
            tax_id = UNSET
        else:
            tax_id = self.tax_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "ledger_id": ledger_id,
                "metadata": metadata,
                "name": name,
                "type": type_,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if tax_id is not UNSET:
            field_dict["tax_id"] = tax_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        id = UUID(d.pop("id"))

        ledger_id = UUID(d.pop("ledger_id"))

        metadata = d.pop("metadata")

        name = d.pop("name")

        type_ = d.pop("type")

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_tax_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tax_id = _parse_tax_id(d.pop("tax_id", UNSET))

        person_response = cls(
            created_at=created_at,
            id=id,
            ledger_id=ledger_id,
            metadata=metadata,
            name=name,
            type_=type_,
            email=email,
            tax_id=tax_id,
        )

        person_response.additional_properties = d
        return person_response

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
