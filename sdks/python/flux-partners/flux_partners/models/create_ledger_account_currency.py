from enum import StrEnum


class CreateLedgerAccountCurrency(StrEnum):
    CLP = "CLP"
    COP = "COP"
    GTQ = "GTQ"
    HNL = "HNL"
    MXN = "MXN"
    USD = "USD"

    def __str__(self) -> str:
        return str(self.value)
