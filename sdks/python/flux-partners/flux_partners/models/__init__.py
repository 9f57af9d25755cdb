"""Contains all the data models used in inputs/outputs"""

from .account import Account
from .account_detail_response import AccountDetailResponse
from .account_response import AccountResponse
from .advance_remittance import AdvanceRemittance
from .advance_remittance_status_type_1 import AdvanceRemittanceStatusType1
from .advance_remittance_status_type_2_type_1 import AdvanceRemittanceStatusType2Type1
from .advance_remittance_status_type_3_type_1 import AdvanceRemittanceStatusType3Type1
from .balance_response import BalanceResponse
from .bank import Bank
from .card import Card
from .card_balance import CardBalance
from .card_balance_currency import CardBalanceCurrency
from .card_location import CardLocation
from .card_movement import CardMovement
from .card_movement_page import CardMovementPage
from .card_program import CardProgram
from .card_program_currency import CardProgramCurrency
from .card_report import CardReport
from .card_status import CardStatus
from .card_transfer import CardTransfer
from .card_transfer_currency import CardTransferCurrency
from .card_transfer_direction import CardTransferDirection
from .card_transfer_failure import CardTransferFailure
from .card_transfer_status import CardTransferStatus
from .card_type import CardType
from .cardholder import Cardholder
from .cardholder_address import CardholderAddress
from .cardholder_profile import CardholderProfile
from .cep import Cep
from .change_pin import ChangePin
from .clabe_detail import ClabeDetail
from .create_account_request import CreateAccountRequest
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
from .decline_reason import DeclineReason
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
from .inbound_ack import InboundAck
from .instrument import Instrument
from .ledger_balance import LedgerBalance
from .ledger_operation import LedgerOperation
from .ledger_operation_direction import LedgerOperationDirection
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
from .new_reveal import NewReveal
from .new_sandbox_purchase import NewSandboxPurchase
from .new_top_up import NewTopUp
from .new_top_up_currency import NewTopUpCurrency
from .page_account import PageAccount
from .page_account_data_item import PageAccountDataItem
from .page_bank import PageBank
from .page_bank_data_item import PageBankDataItem
from .page_card import PageCard
from .page_card_data_item import PageCardDataItem
from .page_card_transfer import PageCardTransfer
from .page_card_transfer_data_item import PageCardTransferDataItem
from .page_card_transfer_data_item_currency import PageCardTransferDataItemCurrency
from .page_cardholder import PageCardholder
from .page_cardholder_data_item import PageCardholderDataItem
from .page_delivery import PageDelivery
from .page_delivery_data_item import PageDeliveryDataItem
from .page_delivery_data_item_payload import PageDeliveryDataItemPayload
from .page_instrument import PageInstrument
from .page_instrument_data_item import PageInstrumentDataItem
from .page_remittance import PageRemittance
from .page_remittance_data_item import PageRemittanceDataItem
from .page_remittance_data_item_masked_beneficiary import PageRemittanceDataItemMaskedBeneficiary
from .page_remittance_data_item_metadata_type_0 import PageRemittanceDataItemMetadataType0
from .page_top_up import PageTopUp
from .page_top_up_data_item import PageTopUpDataItem
from .page_top_up_data_item_currency import PageTopUpDataItemCurrency
from .page_transaction import PageTransaction
from .page_transaction_data_item import PageTransactionDataItem
from .page_transaction_data_item_counterparty_type_0 import PageTransactionDataItemCounterpartyType0
from .page_webhook import PageWebhook
from .page_webhook_data_item import PageWebhookDataItem
from .pagination import Pagination
from .person_data_response import PersonDataResponse
from .person_list_response import PersonListResponse
from .person_response import PersonResponse
from .pin_algorithm import PinAlgorithm
from .pin_encryption_key import PinEncryptionKey
from .pin_encryption_key_encoding import PinEncryptionKeyEncoding
from .pin_encryption_key_format import PinEncryptionKeyFormat
from .pin_encryption_key_hash import PinEncryptionKeyHash
from .pin_outcome import PinOutcome
from .pin_result import PinResult
from .problem import Problem
from .problem_code import ProblemCode
from .program_at_provider import ProgramAtProvider
from .program_at_provider_name import ProgramAtProviderName
from .program_balance import ProgramBalance
from .purchase_status import PurchaseStatus
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
from .report_reason import ReportReason
from .reveal_link import RevealLink
from .reveal_show import RevealShow
from .rotated_secret import RotatedSecret
from .sandbox_advance_remittance_response_202 import SandboxAdvanceRemittanceResponse202
from .sandbox_purchase import SandboxPurchase
from .set_pin import SetPin
from .settlement import Settlement
from .simulate_money_in import SimulateMoneyIn
from .status_change import StatusChange
from .top_up import TopUp
from .top_up_currency import TopUpCurrency
from .top_up_status import TopUpStatus
from .transaction import Transaction
from .transaction_counterparty_type_0 import TransactionCounterpartyType0
from .transaction_operation import TransactionOperation
from .transaction_response import TransactionResponse
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
    "AdvanceRemittance",
    "AdvanceRemittanceStatusType1",
    "AdvanceRemittanceStatusType2Type1",
    "AdvanceRemittanceStatusType3Type1",
    "BalanceResponse",
    "Bank",
    "Card",
    "CardBalance",
    "CardBalanceCurrency",
    "Cardholder",
    "CardholderAddress",
    "CardholderProfile",
    "CardLocation",
    "CardMovement",
    "CardMovementPage",
    "CardProgram",
    "CardProgramCurrency",
    "CardReport",
    "CardStatus",
    "CardTransfer",
    "CardTransferCurrency",
    "CardTransferDirection",
    "CardTransferFailure",
    "CardTransferStatus",
    "CardType",
    "Cep",
    "ChangePin",
    "ClabeDetail",
    "CreateAccountRequest",
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
    "DeclineReason",
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
    "InboundAck",
    "Instrument",
    "LedgerBalance",
    "LedgerOperation",
    "LedgerOperationDirection",
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
    "NewReveal",
    "NewSandboxPurchase",
    "NewTopUp",
    "NewTopUpCurrency",
    "PageAccount",
    "PageAccountDataItem",
    "PageBank",
    "PageBankDataItem",
    "PageCard",
    "PageCardDataItem",
    "PageCardholder",
    "PageCardholderDataItem",
    "PageCardTransfer",
    "PageCardTransferDataItem",
    "PageCardTransferDataItemCurrency",
    "PageDelivery",
    "PageDeliveryDataItem",
    "PageDeliveryDataItemPayload",
    "PageInstrument",
    "PageInstrumentDataItem",
    "PageRemittance",
    "PageRemittanceDataItem",
    "PageRemittanceDataItemMaskedBeneficiary",
    "PageRemittanceDataItemMetadataType0",
    "PageTopUp",
    "PageTopUpDataItem",
    "PageTopUpDataItemCurrency",
    "PageTransaction",
    "PageTransactionDataItem",
    "PageTransactionDataItemCounterpartyType0",
    "PageWebhook",
    "PageWebhookDataItem",
    "Pagination",
    "PersonDataResponse",
    "PersonListResponse",
    "PersonResponse",
    "PinAlgorithm",
    "PinEncryptionKey",
    "PinEncryptionKeyEncoding",
    "PinEncryptionKeyFormat",
    "PinEncryptionKeyHash",
    "PinOutcome",
    "PinResult",
    "Problem",
    "ProblemCode",
    "ProgramAtProvider",
    "ProgramAtProviderName",
    "ProgramBalance",
    "PurchaseStatus",
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
    "ReportReason",
    "RevealLink",
    "RevealShow",
    "RotatedSecret",
    "SandboxAdvanceRemittanceResponse202",
    "SandboxPurchase",
    "SetPin",
    "Settlement",
    "SimulateMoneyIn",
    "StatusChange",
    "TopUp",
    "TopUpCurrency",
    "TopUpStatus",
    "Transaction",
    "TransactionCounterpartyType0",
    "TransactionOperation",
    "TransactionResponse",
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
