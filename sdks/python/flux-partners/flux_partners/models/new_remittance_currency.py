from enum import StrEnum


class NewRemittanceCurrency(StrEnum):
    COP = "COP"
    GTQ = "GTQ"
    HNL = "HNL"
    MXN = "MXN"
    USD = "USD"

    def __str__(self) -> str:
        return str(self.value)
