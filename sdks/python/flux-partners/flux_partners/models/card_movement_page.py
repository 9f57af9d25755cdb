from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.card_movement import CardMovement
    from ..models.pagination import Pagination


T = TypeVar("T", bound="CardMovementPage")


@_attrs_define
class CardMovementPage:
    """One page of a card's movements over `from`..`to` (inclusive), newest first.

    Attributes:
        data (list[CardMovement]):
        from_ (datetime.date): YYYY-MM-DD.
        pagination (Pagination): One pagination shape for every list. A list is read either by `page` (OFFSET: the
            totals
            are counted, and a deep page costs in proportion to its depth, since the database walks every
            row it skips) or after a cursor, `starting_after=<id of the last item seen>` (keyset: every
            page costs the same, whatever its depth, and the totals are not counted: `page`,
            `total_items` and `total_pages` are then null). Every field is always present.
        to (datetime.date): YYYY-MM-DD.
    """

    data: list[CardMovement]
    from_: datetime.date
    pagination: Pagination
    to: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        from_ = self.from_.isoformat()

        pagination = self.pagination.to_dict()

        to = self.to.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "from": from_,
                "pagination": pagination,
                "to": to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.card_movement import CardMovement  # noqa: PLC0415
        from ..models.pagination import Pagination  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = CardMovement.from_dict(data_item_data)

            data.append(data_item)

        from_ = datetime.date.fromisoformat(d.pop("from"))

        pagination = Pagination.from_dict(d.pop("pagination"))

        to = datetime.date.fromisoformat(d.pop("to"))

        card_movement_page = cls(
            data=data,
            from_=from_,
            pagination=pagination,
            to=to,
        )

        card_movement_page.additional_properties = d
        return card_movement_page

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
