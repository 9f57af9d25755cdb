from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.create_ledger_person_type import CreateLedgerPersonType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_ledger_person_metadata import CreateLedgerPersonMetadata


T = TypeVar("T", bound="CreateLedgerPerson")


@_attrs_define
class CreateLedgerPerson:
    """Body of POST …/ledger/persons.

    Attributes:
        name (str): 1 to 200 characters, not only spaces.
        type_ (CreateLedgerPersonType):
        email (None | str | Unset): An email address (with an @), at most 254 characters.
        metadata (CreateLedgerPersonMetadata | Unset): A JSON object (not null).
        tax_id (None | str | Unset): RFC (Mexico) or the country's tax id.
    """

    name: str
    type_: CreateLedgerPersonType
    email: None | str | Unset = UNSET
    metadata: CreateLedgerPersonMetadata | Unset = UNSET
    tax_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        type_ = self.type_.value

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        tax_id: None | str | Unset
        if isinstance(self.tax_id, Unset):
            tax_id = UNSET
        else:
            tax_id = self.tax_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "type": type_,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if tax_id is not UNSET:
            field_dict["tax_id"] = tax_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_ledger_person_metadata import CreateLedgerPersonMetadata  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        type_ = CreateLedgerPersonType(d.pop("type"))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: CreateLedgerPersonMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = CreateLedgerPersonMetadata.from_dict(_metadata)

        def _parse_tax_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tax_id = _parse_tax_id(d.pop("tax_id", UNSET))

        create_ledger_person = cls(
            name=name,
            type_=type_,
            email=email,
            metadata=metadata,
            tax_id=tax_id,
        )

        create_ledger_person.additional_properties = d
        return create_ledger_person

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
