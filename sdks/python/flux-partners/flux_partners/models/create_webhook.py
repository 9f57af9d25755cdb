from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.create_webhook_webhook_type import CreateWebhookWebhookType

T = TypeVar("T", bound="CreateWebhook")


@_attrs_define
class CreateWebhook:
    """Body of POST …/webhooks.

    Attributes:
        client_id (UUID): Must equal the clientId in the path.
        token (str): Sent back to you as X-Webhook-Token on every delivery; 8 to 256 characters.
        url (str): An http(s) URL without credentials. Private and loopback hosts are refused (422)
            unless the operator allowed them.
        webhook_type (CreateWebhookWebhookType):
    """

    client_id: UUID
    token: str
    url: str
    webhook_type: CreateWebhookWebhookType

    def to_dict(self) -> dict[str, Any]:
        client_id = str(self.client_id)

        token = self.token

        url = self.url

        webhook_type = self.webhook_type.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "client_id": client_id,
                "token": token,
                "url": url,
                "webhook_type": webhook_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        client_id = UUID(d.pop("client_id"))

        token = d.pop("token")

        url = d.pop("url")

        webhook_type = CreateWebhookWebhookType(d.pop("webhook_type"))

        create_webhook = cls(
            client_id=client_id,
            token=token,
            url=url,
            webhook_type=webhook_type,
        )

        return create_webhook
