from enum import StrEnum


class RegisterInstrumentInstrumentKind(StrEnum):
    DEBIT_CARD = "debit_card"
    VIRTUAL_CLABE = "virtual_clabe"

    def __str__(self) -> str:
        return str(self.value)
