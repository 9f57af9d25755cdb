from enum import StrEnum


class CardType(StrEnum):
    PHYSICAL = "PHYSICAL"
    VIRTUAL = "VIRTUAL"
    VIRTUAL_WITH_PHYSICAL = "VIRTUAL_WITH_PHYSICAL"

    def __str__(self) -> str:
        return str(self.value)
