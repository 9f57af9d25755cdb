from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_program_currency import CardProgramCurrency

if TYPE_CHECKING:
    from ..models.program_at_provider import ProgramAtProvider
    from ..models.program_balance import ProgramBalance


T = TypeVar("T", bound="CardProgram")


@_attrs_define
class CardProgram:
    """A client's card program: what it can fund cards with and what card money came back, in
    Flux's books and at NeCIPCo.

        Attributes:
            client_id (UUID):
            collection (str): Decimal string such as "100.00" (never a JSON number); may be zero or negative
            currency (CardProgramCurrency):
            program (ProgramBalance): Money in Flux's books for a card program.
            provider (ProgramAtProvider): The program as NeCIPCo reports it.
    """

    client_id: UUID
    collection: str
    currency: CardProgramCurrency
    program: ProgramBalance
    provider: ProgramAtProvider
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_id = str(self.client_id)

        collection = self.collection

        currency = self.currency.value

        program = self.program.to_dict()

        provider = self.provider.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "client_id": client_id,
                "collection": collection,
                "currency": currency,
                "program": program,
                "provider": provider,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.program_at_provider import ProgramAtProvider  # noqa: PLC0415
        from ..models.program_balance import ProgramBalance  # noqa: PLC0415

        d = dict(src_dict)
        client_id = UUID(d.pop("client_id"))

        collection = d.pop("collection")

        currency = CardProgramCurrency(d.pop("currency"))

        program = ProgramBalance.from_dict(d.pop("program"))

        provider = ProgramAtProvider.from_dict(d.pop("provider"))

        card_program = cls(
            client_id=client_id,
            collection=collection,
            currency=currency,
            program=program,
            provider=provider,
        )

        card_program.additional_properties = d
        return card_program

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
