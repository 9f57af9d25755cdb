"""Contains all the data models used in inputs/outputs"""

from .account import Account
from .account_detail_response import AccountDetailResponse
from .account_response import AccountResponse
from .activate_card_body import ActivateCardBody
from .activate_card_response_200 import ActivateCardResponse200
from .advance_remittance import AdvanceRemittance
from .advance_remittance_status_type_1 import AdvanceRemittanceStatusType1
from .advance_remittance_status_type_2_type_1 import AdvanceRemittanceStatusType2Type1
from .advance_remittance_status_type_3_type_1 import AdvanceRemittanceStatusType3Type1
from .balance_response import BalanceResponse
from .bank import Bank
from .cep import Cep
from .change_card_pin_body import ChangeCardPinBody
from .change_card_pin_response_200 import ChangeCardPinResponse200
from .clabe_detail import ClabeDetail
from .close_card_body import CloseCardBody
from .close_card_response_200 import CloseCardResponse200
from .create_account_request import CreateAccountRequest
from .create_card_program_top_up_response_201 import CreateCardProgramTopUpResponse201
from .create_cardholder_response_201 import CreateCardholderResponse201
from .create_ledger_account import CreateLedgerAccount
from .create_ledger_account_currency import CreateLedgerAccountCurrency
from .create_ledger_account_metadata import CreateLedgerAccountMetadata
from .create_ledger_account_normal_balance import CreateLedgerAccountNormalBalance
from .create_ledger_person import CreateLedgerPerson
from .create_ledger_person_metadata import CreateLedgerPersonMetadata
from .create_ledger_person_type import CreateLedgerPersonType
from .create_ledger_transaction import CreateLedgerTransaction
from .create_ledger_transaction_currency import CreateLedgerTransactionCurrency
from .create_ledger_transaction_metadata import CreateLedgerTransactionMetadata
from .create_person_request import CreatePersonRequest
from .create_private_account import CreatePrivateAccount
from .create_transaction_request import CreateTransactionRequest
from .create_webhook import CreateWebhook
from .create_webhook_webhook_type import CreateWebhookWebhookType
from .debit_card_detail import DebitCardDetail
from .debit_card_in import DebitCardIn
from .delivery import Delivery
from .delivery_attempt import DeliveryAttempt
from .delivery_payload import DeliveryPayload
from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .failure import Failure
from .field_error import FieldError
from .fincore_event import FincoreEvent
from .fincore_event_body import FincoreEventBody
from .flux_version import FluxVersion
from .freeze_card_body import FreezeCardBody
from .freeze_card_response_200 import FreezeCardResponse200
from .fund_card_response_201 import FundCardResponse201
from .get_card_balance_response_200 import GetCardBalanceResponse200
from .get_card_program_response_200 import GetCardProgramResponse200
from .get_card_program_top_up_response_200 import GetCardProgramTopUpResponse200
from .get_card_response_200 import GetCardResponse200
from .get_card_transfer_response_200 import GetCardTransferResponse200
from .get_cardholder_response_200 import GetCardholderResponse200
from .get_pin_encryption_key_response_200 import GetPinEncryptionKeyResponse200
from .inbound_ack import InboundAck
from .instrument import Instrument
from .issue_card_response_201 import IssueCardResponse201
from .ledger_balance import LedgerBalance
from .ledger_operation import LedgerOperation
from .ledger_operation_direction import LedgerOperationDirection
from .list_card_movements_response_200 import ListCardMovementsResponse200
from .list_card_program_top_ups_response_200 import ListCardProgramTopUpsResponse200
from .list_card_transfers_response_200 import ListCardTransfersResponse200
from .list_cardholders_response_200 import ListCardholdersResponse200
from .list_cards_response_200 import ListCardsResponse200
from .list_remittances_status import ListRemittancesStatus
from .list_transactions_kind import ListTransactionsKind
from .list_transactions_status import ListTransactionsStatus
from .money_out import MoneyOut
from .money_out_details import MoneyOutDetails
from .money_out_details_currency import MoneyOutDetailsCurrency
from .new_card import NewCard
from .new_card_transfer import NewCardTransfer
from .new_card_transfer_currency import NewCardTransferCurrency
from .new_cardholder import NewCardholder
from .new_remittance import NewRemittance
from .new_remittance_currency import NewRemittanceCurrency
from .new_remittance_metadata_type_0 import NewRemittanceMetadataType0
from .new_top_up import NewTopUp
from .new_top_up_currency import NewTopUpCurrency
from .page_account import PageAccount
from .page_account_data_item import PageAccountDataItem
from .page_bank import PageBank
from .page_bank_data_item import PageBankDataItem
from .page_delivery import PageDelivery
from .page_delivery_data_item import PageDeliveryDataItem
from .page_delivery_data_item_payload import PageDeliveryDataItemPayload
from .page_instrument import PageInstrument
from .page_instrument_data_item import PageInstrumentDataItem
from .page_remittance import PageRemittance
from .page_remittance_data_item import PageRemittanceDataItem
from .page_remittance_data_item_masked_beneficiary import PageRemittanceDataItemMaskedBeneficiary
from .page_remittance_data_item_metadata_type_0 import PageRemittanceDataItemMetadataType0
from .page_transaction import PageTransaction
from .page_transaction_data_item import PageTransactionDataItem
from .page_transaction_data_item_counterparty_type_0 import PageTransactionDataItemCounterpartyType0
from .page_webhook import PageWebhook
from .page_webhook_data_item import PageWebhookDataItem
from .pagination import Pagination
from .person_data_response import PersonDataResponse
from .person_list_response import PersonListResponse
from .person_response import PersonResponse
from .problem import Problem
from .problem_code import ProblemCode
from .receive_felix_callback_body_type_0 import ReceiveFelixCallbackBodyType0
from .receive_felix_callback_response_200 import ReceiveFelixCallbackResponse200
from .refund import Refund
from .register_instrument import RegisterInstrument
from .register_instrument_instrument_kind import RegisterInstrumentInstrumentKind
from .register_instrument_type import RegisterInstrumentType
from .remittance import Remittance
from .remittance_account import RemittanceAccount
from .remittance_account_account_type_type_1 import RemittanceAccountAccountTypeType1
from .remittance_account_account_type_type_2_type_1 import RemittanceAccountAccountTypeType2Type1
from .remittance_account_account_type_type_3_type_1 import RemittanceAccountAccountTypeType3Type1
from .remittance_account_type import RemittanceAccountType
from .remittance_beneficiary import RemittanceBeneficiary
from .remittance_masked_beneficiary import RemittanceMaskedBeneficiary
from .remittance_metadata_type_0 import RemittanceMetadataType0
from .report_card_body import ReportCardBody
from .report_card_response_200 import ReportCardResponse200
from .return_card_money_response_201 import ReturnCardMoneyResponse201
from .reveal_card_body import RevealCardBody
from .reveal_card_response_201 import RevealCardResponse201
from .rotated_secret import RotatedSecret
from .sandbox_advance_remittance_response_202 import SandboxAdvanceRemittanceResponse202
from .set_card_pin_body import SetCardPinBody
from .set_card_pin_response_200 import SetCardPinResponse200
from .settlement import Settlement
from .simulate_card_purchase_body import SimulateCardPurchaseBody
from .simulate_card_purchase_response_200 import SimulateCardPurchaseResponse200
from .simulate_money_in import SimulateMoneyIn
from .status_change import StatusChange
from .transaction import Transaction
from .transaction_counterparty_type_0 import TransactionCounterpartyType0
from .transaction_operation import TransactionOperation
from .transaction_response import TransactionResponse
from .unfreeze_card_body import UnfreezeCardBody
from .unfreeze_card_response_200 import UnfreezeCardResponse200
from .update_webhook import UpdateWebhook
from .update_webhook_webhook_status_type_1 import UpdateWebhookWebhookStatusType1
from .update_webhook_webhook_status_type_2_type_1 import UpdateWebhookWebhookStatusType2Type1
from .update_webhook_webhook_status_type_3_type_1 import UpdateWebhookWebhookStatusType3Type1
from .update_webhook_webhook_type_type_1 import UpdateWebhookWebhookTypeType1
from .update_webhook_webhook_type_type_2_type_1 import UpdateWebhookWebhookTypeType2Type1
from .update_webhook_webhook_type_type_3_type_1 import UpdateWebhookWebhookTypeType3Type1
from .virtual_clabe_in import VirtualClabeIn
from .webhook import Webhook

__all__ = (
    "Account",
    "AccountDetailResponse",
    "AccountResponse",
    "ActivateCardBody",
    "ActivateCardResponse200",
    "AdvanceRemittance",
    "AdvanceRemittanceStatusType1",
    "AdvanceRemittanceStatusType2Type1",
    "AdvanceRemittanceStatusType3Type1",
    "BalanceResponse",
    "Bank",
    "Cep",
    "ChangeCardPinBody",
    "ChangeCardPinResponse200",
    "ClabeDetail",
    "CloseCardBody",
    "CloseCardResponse200",
    "CreateAccountRequest",
    "CreateCardholderResponse201",
    "CreateCardProgramTopUpResponse201",
    "CreateLedgerAccount",
    "CreateLedgerAccountCurrency",
    "CreateLedgerAccountMetadata",
    "CreateLedgerAccountNormalBalance",
    "CreateLedgerPerson",
    "CreateLedgerPersonMetadata",
    "CreateLedgerPersonType",
    "CreateLedgerTransaction",
    "CreateLedgerTransactionCurrency",
    "CreateLedgerTransactionMetadata",
    "CreatePersonRequest",
    "CreatePrivateAccount",
    "CreateTransactionRequest",
    "CreateWebhook",
    "CreateWebhookWebhookType",
    "DebitCardDetail",
    "DebitCardIn",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryPayload",
    "ErrorDetail",
    "ErrorResponse",
    "Failure",
    "FieldError",
    "FincoreEvent",
    "FincoreEventBody",
    "FluxVersion",
    "FreezeCardBody",
    "FreezeCardResponse200",
    "FundCardResponse201",
    "GetCardBalanceResponse200",
    "GetCardholderResponse200",
    "GetCardProgramResponse200",
    "GetCardProgramTopUpResponse200",
    "GetCardResponse200",
    "GetCardTransferResponse200",
    "GetPinEncryptionKeyResponse200",
    "InboundAck",
    "Instrument",
    "IssueCardResponse201",
    "LedgerBalance",
    "LedgerOperation",
    "LedgerOperationDirection",
    "ListCardholdersResponse200",
    "ListCardMovementsResponse200",
    "ListCardProgramTopUpsResponse200",
    "ListCardsResponse200",
    "ListCardTransfersResponse200",
    "ListRemittancesStatus",
    "ListTransactionsKind",
    "ListTransactionsStatus",
    "MoneyOut",
    "MoneyOutDetails",
    "MoneyOutDetailsCurrency",
    "NewCard",
    "NewCardholder",
    "NewCardTransfer",
    "NewCardTransferCurrency",
    "NewRemittance",
    "NewRemittanceCurrency",
    "NewRemittanceMetadataType0",
    "NewTopUp",
    "NewTopUpCurrency",
    "PageAccount",
    "PageAccountDataItem",
    "PageBank",
    "PageBankDataItem",
    "PageDelivery",
    "PageDeliveryDataItem",
    "PageDeliveryDataItemPayload",
    "PageInstrument",
    "PageInstrumentDataItem",
    "PageRemittance",
    "PageRemittanceDataItem",
    "PageRemittanceDataItemMaskedBeneficiary",
    "PageRemittanceDataItemMetadataType0",
    "PageTransaction",
    "PageTransactionDataItem",
    "PageTransactionDataItemCounterpartyType0",
    "PageWebhook",
    "PageWebhookDataItem",
    "Pagination",
    "PersonDataResponse",
    "PersonListResponse",
    "PersonResponse",
    "Problem",
    "ProblemCode",
    "ReceiveFelixCallbackBodyType0",
    "ReceiveFelixCallbackResponse200",
    "Refund",
    "RegisterInstrument",
    "RegisterInstrumentInstrumentKind",
    "RegisterInstrumentType",
    "Remittance",
    "RemittanceAccount",
    "RemittanceAccountAccountTypeType1",
    "RemittanceAccountAccountTypeType2Type1",
    "RemittanceAccountAccountTypeType3Type1",
    "RemittanceAccountType",
    "RemittanceBeneficiary",
    "RemittanceMaskedBeneficiary",
    "RemittanceMetadataType0",
    "ReportCardBody",
    "ReportCardResponse200",
    "ReturnCardMoneyResponse201",
    "RevealCardBody",
    "RevealCardResponse201",
    "RotatedSecret",
    "SandboxAdvanceRemittanceResponse202",
    "SetCardPinBody",
    "SetCardPinResponse200",
    "Settlement",
    "SimulateCardPurchaseBody",
    "SimulateCardPurchaseResponse200",
    "SimulateMoneyIn",
    "StatusChange",
    "Transaction",
    "TransactionCounterpartyType0",
    "TransactionOperation",
    "TransactionResponse",
    "UnfreezeCardBody",
    "UnfreezeCardResponse200",
    "UpdateWebhook",
    "UpdateWebhookWebhookStatusType1",
    "UpdateWebhookWebhookStatusType2Type1",
    "UpdateWebhookWebhookStatusType3Type1",
    "UpdateWebhookWebhookTypeType1",
    "UpdateWebhookWebhookTypeType2Type1",
    "UpdateWebhookWebhookTypeType3Type1",
    "VirtualClabeIn",
    "Webhook",
)
