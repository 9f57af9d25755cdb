from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reveal_show import RevealShow

T = TypeVar("T", bound="RevealLink")


@_attrs_define
class RevealLink:
    """A single-use link to the page that shows the end user the value.

    Attributes:
        expires_at (datetime.datetime):
        reveal_url (str): Open it in the end user's browser; it is a credential while it lives.
        show (RevealShow): What a reveal link shows.
        single_use (bool):
    """

    expires_at: datetime.datetime
    reveal_url: str
    show: RevealShow
    single_use: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expires_at = self.expires_at.isoformat()

        reveal_url = self.reveal_url

        show = self.show.value

        single_use = self.single_use

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expires_at": expires_at,
                "reveal_url": reveal_url,
                "show": show,
                "single_use": single_use,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        reveal_url = d.pop("reveal_url")

        show = RevealShow(d.pop("show"))

        single_use = d.pop("single_use")

        reveal_link = cls(
            expires_at=expires_at,
            reveal_url=reveal_url,
            show=show,
            single_use=single_use,
        )

        reveal_link.additional_properties = d
        return reveal_link

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
