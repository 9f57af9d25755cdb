from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PageWebhookDataItem")


@_attrs_define
class PageWebhookDataItem:
    """
    Attributes:
        client_id (UUID):
        created_at (str):
        id (UUID):
        token_last4 (str): The token is write-only; only its last four characters are shown.
        updated_at (str):
        url (str):
        webhook_status (str): ACTIVE or INACTIVE.
        webhook_type (str): MONEY_IN, STATUS_UPDATE or CEP.
        secret (None | str | Unset): The Standard Webhooks signing secret (`whsec_…`): present only in the answer that
            created it (creation, rotation). Store it; it is never shown again.
    """

    client_id: UUID
    created_at: str
    id: UUID
    token_last4: str
    updated_at: str
    url: str
    webhook_status: str
    webhook_type: str
    secret: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_id = str(self.client_id)

        created_at = self.created_at

        id = str(self.id)

        token_last4 = self.token_last4

        updated_at = self.updated_at

        url = self.url

        webhook_status = self.webhook_status

        webhook_type = self.webhook_type

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "client_id": client_id,
                "created_at": created_at,
                "id": id,
                "token_last4": token_last4,
                "updated_at": updated_at,
                "url": url,
                "webhook_status": webhook_status,
                "webhook_type": webhook_type,
            }
        )
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        client_id = UUID(d.pop("client_id"))

        created_at = d.pop("created_at")

        id = UUID(d.pop("id"))

        token_last4 = d.pop("token_last4")

        updated_at = d.pop("updated_at")

        url = d.pop("url")

        webhook_status = d.pop("webhook_status")

        webhook_type = d.pop("webhook_type")

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        page_webhook_data_item = cls(
            client_id=client_id,
            created_at=created_at,
            id=id,
            token_last4=token_last4,
            updated_at=updated_at,
            url=url,
            webhook_status=webhook_status,
            webhook_type=webhook_type,
            secret=secret,
        )

        page_webhook_data_item.additional_properties = d
        return page_webhook_data_item

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
