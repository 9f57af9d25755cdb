from enum import StrEnum


class CardTransferDirection(StrEnum):
    FUND = "FUND"
    RETURN = "RETURN"

    def __str__(self) -> str:
        return str(self.value)
