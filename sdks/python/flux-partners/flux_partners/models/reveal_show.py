from enum import StrEnum


class RevealShow(StrEnum):
    CVC = "cvc"
    PAN = "pan"
    PIN = "pin"

    def __str__(self) -> str:
        return str(self.value)
