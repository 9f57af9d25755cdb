from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.advance_remittance_status_type_1 import AdvanceRemittanceStatusType1
from ..models.advance_remittance_status_type_2_type_1 import AdvanceRemittanceStatusType2Type1
from ..models.advance_remittance_status_type_3_type_1 import AdvanceRemittanceStatusType3Type1
from ..types import UNSET, Unset

T = TypeVar("T", bound="AdvanceRemittance")


@_attrs_define
class AdvanceRemittance:
    """Body of POST …/advance (optional: no body advances one happy-path step).

    Attributes:
        status (AdvanceRemittanceStatusType1 | AdvanceRemittanceStatusType2Type1 | AdvanceRemittanceStatusType3Type1 |
            None | Unset):
    """

    status: (
        AdvanceRemittanceStatusType1
        | AdvanceRemittanceStatusType2Type1
        | AdvanceRemittanceStatusType3Type1
        | None
        | Unset
    ) = UNSET

    def to_dict(self) -> dict[str, Any]:
        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, AdvanceRemittanceStatusType1):
            status = self.status.value
        elif isinstance(self.status, AdvanceRemittanceStatusType2Type1):
            status = self.status.value
        elif isinstance(self.status, AdvanceRemittanceStatusType3Type1):
            status = self.status.value
        else:
            status = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_status(
            data: object,
        ) -> (
            AdvanceRemittanceStatusType1
            | AdvanceRemittanceStatusType2Type1
            | AdvanceRemittanceStatusType3Type1
            | None
            | Unset
        ):
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_1 = AdvanceRemittanceStatusType1(data)

                return status_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_2_type_1 = AdvanceRemittanceStatusType2Type1(data)

                return status_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_3_type_1 = AdvanceRemittanceStatusType3Type1(data)

                return status_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                AdvanceRemittanceStatusType1
                | AdvanceRemittanceStatusType2Type1
                | AdvanceRemittanceStatusType3Type1
                | None
                | Unset,
                data,
            )

        status = _parse_status(d.pop("status", UNSET))

        advance_remittance = cls(
            status=status,
        )

        return advance_remittance
