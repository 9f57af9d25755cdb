from enum import StrEnum


class PinEncryptionKeyFormat(StrEnum):
    SPKI_PEM = "SPKI PEM"

    def __str__(self) -> str:
        return str(self.value)
