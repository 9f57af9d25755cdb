//! Félix's enumerations as types: transaction statuses, currencies, account identifier types
//! and the API version header. Each keeps a value it does not know (`Other`) instead of
//! refusing the whole payload: a provider callback is a fact about money and must be stored
//! even when it names a status this code has not met yet.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal $(| $alias:literal)* ),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value the seed does not list, kept as sent.
            Other(String),
        }

        impl $name {
            /// Every documented value, in the seed's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )*
                    $name::Other(s) => s,
                }
            }

            /// Whether the value is one the seed documents.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text $(| $alias)* => $name::$variant, )*
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok($name::from(text_or_number(d)?.as_str()))
            }
        }
    };
}

/// A string, or a number's text (Félix's schema says `currency: number`).
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum T {
        S(String),
        N(serde_json::Number),
    }
    Ok(match T::deserialize(d)? {
        T::S(s) => s,
        T::N(n) => n.to_string(),
    })
}

text_enum! {
    /// A remittance's status. The seed's delta examples write IN_PROGRESS and also IN_PROCESS;
    /// both read as [`TransactionStatus::InProgress`] and it is written IN_PROGRESS, the
    /// spelling of the status flow.
    TransactionStatus {
        /// Created, waiting for the sender to start.
        Created = "CREATED",
        /// The sender started the process.
        Started = "STARTED",
        /// Paid and confirmed by the sender.
        Confirmed = "CONFIRMED",
        InProgress = "IN_PROGRESS" | "IN_PROCESS",
        Completed = "COMPLETED",
        /// Failed; an operator may still resolve it, so it is not final.
        Failed = "FAILED",
        Cancelled = "CANCELLED",
        Refunded = "REFUNDED",
    }
}

impl TransactionStatus {
    /// No further change can follow (FAILED can: an operator may resolve it).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            TransactionStatus::Completed
                | TransactionStatus::Cancelled
                | TransactionStatus::Refunded
        )
    }

    /// The next status on the documented happy path, if any.
    pub fn next_on_happy_path(&self) -> Option<TransactionStatus> {
        use TransactionStatus::*;
        match self {
            Created => Some(Started),
            Started => Some(Confirmed),
            Confirmed => Some(InProgress),
            InProgress => Some(Completed),
            _ => None,
        }
    }
}

text_enum! {
    /// The currencies the create request accepts. Responses may carry others (kept as sent).
    Currency {
        COP = "COP",
        GTQ = "GTQ",
        HNL = "HNL",
        MXN = "MXN",
        USD = "USD",
    }
}

text_enum! {
    /// `ProviderAccountIdentifierType`. The schema spells it in lower case, its own example
    /// sends `"CLABE"`: [`AccountIdentifierType::kind`] reads either, while the value itself is
    /// kept (and written back) as sent.
    AccountIdentifierKind {
        BankAccount = "bank_account",
        DigitalWallet = "digital_wallet",
        CardNumber = "card_number",
        Clabe = "clabe",
    }
}

/// `account_identifier_type` exactly as sent; see [`AccountIdentifierKind`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountIdentifierType(pub String);

impl AccountIdentifierType {
    /// The documented kind, read case-insensitively.
    pub fn kind(&self) -> AccountIdentifierKind {
        AccountIdentifierKind::from(self.0.to_ascii_lowercase().as_str())
    }
}

impl From<AccountIdentifierKind> for AccountIdentifierType {
    fn from(k: AccountIdentifierKind) -> Self {
        AccountIdentifierType(k.as_str().to_string())
    }
}

text_enum! {
    /// `ProviderAccountType`: checking or savings.
    AccountType {
        Checking = "C",
        Savings = "S",
    }
}

/// The `X-Felix-API-Version` header. The seed says only that it "determines the response
/// format", default v2. Flux's reading (also what the emulator does):
/// - **v2**: the create body is the documented `V2 Create Transaction Request`
///   (`beneficiary_*`, `account_identifier_*`); responses carry the full `TransactionResponse`
///   schema (plus `clabe` when the account is a CLABE, as the seed's samples show).
/// - **v1**: the create body is the older CLABE-only shape whose names the response sample
///   uses ([`CreateTransactionV1`](super::CreateTransactionV1): `name`, `lastname`, `clabe`);
///   responses carry that shape too (names, `clabe`, amount, status, dates; no
///   `account_identifier_*`, `beneficiary_identifier*`, `country` or `url`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ApiVersion {
    V1,
    #[default]
    V2,
}

impl ApiVersion {
    pub const HEADER: &'static str = "X-Felix-API-Version";

    pub fn as_str(&self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1",
            ApiVersion::V2 => "v2",
        }
    }

    pub fn parse(s: &str) -> Option<ApiVersion> {
        match s {
            "v1" => Some(ApiVersion::V1),
            "v2" => Some(ApiVersion::V2),
            _ => None,
        }
    }
}
