from enum import StrEnum


class RemittanceAccountType(StrEnum):
    BANK_ACCOUNT = "bank_account"
    CARD_NUMBER = "card_number"
    CLABE = "clabe"
    DIGITAL_WALLET = "digital_wallet"

    def __str__(self) -> str:
        return str(self.value)
