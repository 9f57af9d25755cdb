from enum import StrEnum


class PinEncryptionKeyHash(StrEnum):
    SHA_256 = "SHA-256"

    def __str__(self) -> str:
        return str(self.value)
