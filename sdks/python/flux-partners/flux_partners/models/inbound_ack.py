from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InboundAck")


@_attrs_define
class InboundAck:
    """Acknowledgement of an inbound provider webhook.

    Attributes:
        duplicate (bool): True when this message id was already processed: nothing changed.
        outcome (str): What Flux did with it: applied, duplicate, held (its transaction is not known yet;
            applied when it is), ignored (older than what Flux knows), or review (kept for an
            operator: unreadable, invalid, unmatched, or contradicting a final status).
        received (bool):
        transaction_id (None | Unset | UUID): The Flux transaction the event created or changed, if any.
    """

    duplicate: bool
    outcome: str
    received: bool
    transaction_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        duplicate = self.duplicate

        outcome = self.outcome

        received = self.received

        transaction_id: None | str | Unset
        if isinstance(self.transaction_id, Unset):
            transaction_id = UNSET
        elif isinstance(self.transaction_id, UUID):
            transaction_id = str(self.transaction_id)
        else:
            transaction_id = self.transaction_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "duplicate": duplicate,
                "outcome": outcome,
                "received": received,
            }
        )
        if transaction_id is not UNSET:
            field_dict["transaction_id"] = transaction_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        duplicate = d.pop("duplicate")

        outcome = d.pop("outcome")

        received = d.pop("received")

        def _parse_transaction_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                transaction_id_type_0 = UUID(data)

                return transaction_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        transaction_id = _parse_transaction_id(d.pop("transaction_id", UNSET))

        inbound_ack = cls(
            duplicate=duplicate,
            outcome=outcome,
            received=received,
            transaction_id=transaction_id,
        )

        inbound_ack.additional_properties = d
        return inbound_ack

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
