from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.delivery_attempt import DeliveryAttempt
    from ..models.page_delivery_data_item_payload import PageDeliveryDataItemPayload


T = TypeVar("T", bound="PageDeliveryDataItem")


@_attrs_define
class PageDeliveryDataItem:
    """One outbound webhook message and its attempts.

    Attributes:
        attempt_count (int):
        attempts (list[DeliveryAttempt]):
        created_at (str):
        event_type (str): MONEY_IN, STATUS_UPDATE, CEP or TEST.
        id (str): The `webhook-id` header: the same on every attempt; deduplicate on it.
        payload (PageDeliveryDataItemPayload): The body sent (the same bytes on every attempt).
        status (str): pending, delivering, delivered, failed, or superseded (a later notification of the same
            transaction carries its deltas).
        webhook_id (UUID):
        delivered_at (None | str | Unset):
        last_error (None | str | Unset):
        last_status_code (int | None | Unset):
        next_attempt_at (None | str | Unset):
    """

    attempt_count: int
    attempts: list[DeliveryAttempt]
    created_at: str
    event_type: str
    id: str
    payload: PageDeliveryDataItemPayload
    status: str
    webhook_id: UUID
    delivered_at: None | str | Unset = UNSET
    last_error: None | str | Unset = UNSET
    last_status_code: int | None | Unset = UNSET
    next_attempt_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempt_count = self.attempt_count

        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)

        created_at = self.created_at

        event_type = self.event_type

        id = self.id

        payload = self.payload.to_dict()

        status = self.status

        webhook_id = str(self.webhook_id)

        delivered_at: None | str | Unset
        if isinstance(self.delivered_at, Unset):
            delivered_at = UNSET
        else:
            delivered_at = self.delivered_at

        last_error: None | str | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        else:
            last_error = self.last_error

        last_status_code: int | None | Unset
        if isinstance(self.last_status_code, Unset):
            last_status_code = UNSET
        else:
            last_status_code = self.last_status_code

        next_attempt_at: None | str | Unset
        if isinstance(self.next_attempt_at, Unset):
            next_attempt_at = UNSET
        else:
            next_attempt_at = self.next_attempt_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempt_count": attempt_count,
                "attempts": attempts,
                "created_at": created_at,
                "event_type": event_type,
                "id": id,
                "payload": payload,
                "status": status,
                "webhook_id": webhook_id,
            }
        )
        if delivered_at is not UNSET:
            field_dict["delivered_at"] = delivered_at
        if last_error is not UNSET:
            field_dict["last_error"] = last_error
        if last_status_code is not UNSET:
            field_dict["last_status_code"] = last_status_code
        if next_attempt_at is not UNSET:
            field_dict["next_attempt_at"] = next_attempt_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_attempt import DeliveryAttempt  # noqa: PLC0415
        from ..models.page_delivery_data_item_payload import PageDeliveryDataItemPayload  # noqa: PLC0415

        d = dict(src_dict)
        attempt_count = d.pop("attempt_count")

        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in _attempts:
            attempts_item = DeliveryAttempt.from_dict(attempts_item_data)

            attempts.append(attempts_item)

        created_at = d.pop("created_at")

        event_type = d.pop("event_type")

        id = d.pop("id")

        payload = PageDeliveryDataItemPayload.from_dict(d.pop("payload"))

        status = d.pop("status")

        webhook_id = UUID(d.pop("webhook_id"))

        def _parse_delivered_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at", UNSET))

        def _parse_last_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))

        def _parse_last_status_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        last_status_code = _parse_last_status_code(d.pop("last_status_code", UNSET))

        def _parse_next_attempt_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at", UNSET))

        page_delivery_data_item = cls(
            attempt_count=attempt_count,
            attempts=attempts,
            created_at=created_at,
            event_type=event_type,
            id=id,
            payload=payload,
            status=status,
            webhook_id=webhook_id,
            delivered_at=delivered_at,
            last_error=last_error,
            last_status_code=last_status_code,
            next_attempt_at=next_attempt_at,
        )

        page_delivery_data_item.additional_properties = d
        return page_delivery_data_item

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
