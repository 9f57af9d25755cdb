from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Pagination")


@_attrs_define
class Pagination:
    """One pagination shape for every list. A list is read either by `page` (OFFSET: the totals
    are counted, and a deep page costs in proportion to its depth, since the database walks every
    row it skips) or after a cursor, `starting_after=<id of the last item seen>` (keyset: every
    page costs the same, whatever its depth, and the totals are not counted: `page`,
    `total_items` and `total_pages` are then null). Every field is always present.

        Attributes:
            has_more (bool): Whether items follow the last one of this page.
            next_starting_after (None | str): The id of this page's last item when `has_more`: pass it as `starting_after`
                for the
                next page. Null on the last page.
            page (int | None): The 1-based page; null when paging by cursor.
            per_page (int):
            total_items (int | None): Items that match; null when paging by cursor (counting them costs a full scan).
            total_pages (int | None): Pages of `per_page` items; null when paging by cursor.
    """

    has_more: bool
    next_starting_after: None | str
    page: int | None
    per_page: int
    total_items: int | None
    total_pages: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        has_more = self.has_more

        next_starting_after: None | str
        next_starting_after = self.next_starting_after

        page: int | None
        page = self.page

        per_page = self.per_page

        total_items: int | None
        total_items = self.total_items

        total_pages: int | None
        total_pages = self.total_pages

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "has_more": has_more,
                "next_starting_after": next_starting_after,
                "page": page,
                "per_page": per_page,
                "total_items": total_items,
                "total_pages": total_pages,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        has_more = d.pop("has_more")

        def _parse_next_starting_after(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_starting_after = _parse_next_starting_after(d.pop("next_starting_after"))

        def _parse_page(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        page = _parse_page(d.pop("page"))

        per_page = d.pop("per_page")

        def _parse_total_items(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        total_items = _parse_total_items(d.pop("total_items"))

        def _parse_total_pages(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        total_pages = _parse_total_pages(d.pop("total_pages"))

        pagination = cls(
            has_more=has_more,
            next_starting_after=next_starting_after,
            page=page,
            per_page=per_page,
            total_items=total_items,
            total_pages=total_pages,
        )

        pagination.additional_properties = d
        return pagination

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
