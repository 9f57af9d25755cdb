from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.update_webhook_webhook_status_type_1 import UpdateWebhookWebhookStatusType1
from ..models.update_webhook_webhook_status_type_2_type_1 import UpdateWebhookWebhookStatusType2Type1
from ..models.update_webhook_webhook_status_type_3_type_1 import UpdateWebhookWebhookStatusType3Type1
from ..models.update_webhook_webhook_type_type_1 import UpdateWebhookWebhookTypeType1
from ..models.update_webhook_webhook_type_type_2_type_1 import UpdateWebhookWebhookTypeType2Type1
from ..models.update_webhook_webhook_type_type_3_type_1 import UpdateWebhookWebhookTypeType3Type1
from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateWebhook")


@_attrs_define
class UpdateWebhook:
    """Body of PATCH …/webhooks/{id}: at least one of these (an empty object is 422); null is the
    same as absent.

        Attributes:
            client_id (None | Unset | UUID): Optional; when sent, the clientId in the path (422 otherwise): a webhook stays
                with
                its client.
            token (None | str | Unset):
            url (None | str | Unset):
            webhook_status (None | Unset | UpdateWebhookWebhookStatusType1 | UpdateWebhookWebhookStatusType2Type1 |
                UpdateWebhookWebhookStatusType3Type1):
            webhook_type (None | Unset | UpdateWebhookWebhookTypeType1 | UpdateWebhookWebhookTypeType2Type1 |
                UpdateWebhookWebhookTypeType3Type1):
    """

    client_id: None | Unset | UUID = UNSET
    token: None | str | Unset = UNSET
    url: None | str | Unset = UNSET
    webhook_status: (
        None
        | Unset
        | UpdateWebhookWebhookStatusType1
        | UpdateWebhookWebhookStatusType2Type1
        | UpdateWebhookWebhookStatusType3Type1
    ) = UNSET
    webhook_type: (
        None
        | Unset
        | UpdateWebhookWebhookTypeType1
        | UpdateWebhookWebhookTypeType2Type1
        | UpdateWebhookWebhookTypeType3Type1
    ) = UNSET

    def to_dict(self) -> dict[str, Any]:
        client_id: None | str | Unset
        if isinstance(self.client_id, Unset):
            client_id = UNSET
        elif isinstance(self.client_id, UUID):
            client_id = str(self.client_id)
        else:
            client_id = self.client_id

        token: None | str | Unset
        if isinstance(self.token, Unset):
            token = UNSET
        else:
            token = self.token

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        webhook_status: None | str | Unset
        if isinstance(self.webhook_status, Unset):
            webhook_status = UNSET
        elif isinstance(self.webhook_status, UpdateWebhookWebhookStatusType1):
            webhook_status = self.webhook_status.value
        elif isinstance(self.webhook_status, UpdateWebhookWebhookStatusType2Type1):
            webhook_status = self.webhook_status.value
        elif isinstance(self.webhook_status, UpdateWebhookWebhookStatusType3Type1):
            webhook_status = self.webhook_status.value
        else:
            webhook_status = self.webhook_status

        webhook_type: None | str | Unset
        if isinstance(self.webhook_type, Unset):
            webhook_type = UNSET
        elif isinstance(self.webhook_type, UpdateWebhookWebhookTypeType1):
            webhook_type = self.webhook_type.value
        elif isinstance(self.webhook_type, UpdateWebhookWebhookTypeType2Type1):
            webhook_type = self.webhook_type.value
        elif isinstance(self.webhook_type, UpdateWebhookWebhookTypeType3Type1):
            webhook_type = self.webhook_type.value
        else:
            webhook_type = self.webhook_type

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if token is not UNSET:
            field_dict["token"] = token
        if url is not UNSET:
            field_dict["url"] = url
        if webhook_status is not UNSET:
            field_dict["webhook_status"] = webhook_status
        if webhook_type is not UNSET:
            field_dict["webhook_type"] = webhook_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_client_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                client_id_type_0 = UUID(data)

                return client_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        client_id = _parse_client_id(d.pop("client_id", UNSET))

        def _parse_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        token = _parse_token(d.pop("token", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        def _parse_webhook_status(
            data: object,
        ) -> (
            None
            | Unset
            | UpdateWebhookWebhookStatusType1
            | UpdateWebhookWebhookStatusType2Type1
            | UpdateWebhookWebhookStatusType3Type1
        ):
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                webhook_status_type_1 = UpdateWebhookWebhookStatusType1(data)

                return webhook_status_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                webhook_status_type_2_type_1 = UpdateWebhookWebhookStatusType2Type1(data)

                return webhook_status_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                webhook_status_type_3_type_1 = UpdateWebhookWebhookStatusType3Type1(data)

                return webhook_status_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None
                | Unset
                | UpdateWebhookWebhookStatusType1
                | UpdateWebhookWebhookStatusType2Type1
                | UpdateWebhookWebhookStatusType3Type1,
                data,
            )

        webhook_status = _parse_webhook_status(d.pop("webhook_status", UNSET))

        def _parse_webhook_type(
            data: object,
        ) -> (
            None
            | Unset
            | UpdateWebhookWebhookTypeType1
            | UpdateWebhookWebhookTypeType2Type1
            | UpdateWebhookWebhookTypeType3Type1
        ):
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                webhook_type_type_1 = UpdateWebhookWebhookTypeType1(data)

                return webhook_type_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                webhook_type_type_2_type_1 = UpdateWebhookWebhookTypeType2Type1(data)

                return webhook_type_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                webhook_type_type_3_type_1 = UpdateWebhookWebhookTypeType3Type1(data)

                return webhook_type_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None
                | Unset
                | UpdateWebhookWebhookTypeType1
                | UpdateWebhookWebhookTypeType2Type1
                | UpdateWebhookWebhookTypeType3Type1,
                data,
            )

        webhook_type = _parse_webhook_type(d.pop("webhook_type", UNSET))

        update_webhook = cls(
            client_id=client_id,
            token=token,
            url=url,
            webhook_status=webhook_status,
            webhook_type=webhook_type,
        )

        return update_webhook
