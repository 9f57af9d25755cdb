from enum import StrEnum


class PinAlgorithm(StrEnum):
    RSA1_5 = "RSA1_5"
    RSA_OAEP = "RSA-OAEP"
    RSA_OAEP_256 = "RSA-OAEP-256"

    def __str__(self) -> str:
        return str(self.value)
