from enum import StrEnum


class UpdateWebhookWebhookTypeType3Type1(StrEnum):
    CARD_STATUS = "CARD_STATUS"
    CARD_TRANSACTION = "CARD_TRANSACTION"
    CEP = "CEP"
    MONEY_IN = "MONEY_IN"
    REMITTANCE_STATUS = "REMITTANCE_STATUS"
    STATUS_UPDATE = "STATUS_UPDATE"

    def __str__(self) -> str:
        return str(self.value)
