from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.page_instrument_data_item import PageInstrumentDataItem
    from ..models.pagination import Pagination


T = TypeVar("T", bound="PageInstrument")


@_attrs_define
class PageInstrument:
    """
    Attributes:
        data (list[PageInstrumentDataItem]):
        pagination (Pagination): One pagination shape for every list. A list is read either by `page` (OFFSET: the
            totals
            are counted, and a deep page costs in proportion to its depth, since the database walks every
            row it skips) or after a cursor, `starting_after=<id of the last item seen>` (keyset: every
            page costs the same, whatever its depth, and the totals are not counted: `page`,
            `total_items` and `total_pages` are then null). Every field is always present.
    """

    data: list[PageInstrumentDataItem]
    pagination: Pagination
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        pagination = self.pagination.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "pagination": pagination,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.page_instrument_data_item import PageInstrumentDataItem  # noqa: PLC0415
        from ..models.pagination import Pagination  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = PageInstrumentDataItem.from_dict(data_item_data)

            data.append(data_item)

        pagination = Pagination.from_dict(d.pop("pagination"))

        page_instrument = cls(
            data=data,
            pagination=pagination,
        )

        page_instrument.additional_properties = d
        return page_instrument

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
