from enum import StrEnum


class RegisterInstrumentType(StrEnum):
    RECEIVER = "RECEIVER"

    def __str__(self) -> str:
        return str(self.value)
