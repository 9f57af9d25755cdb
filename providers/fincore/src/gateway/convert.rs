//! Fincore's wire types into Flux's partner model (`flux_gateway::model`): the only place a
//! Fincore shape becomes a Flux one, so no partner sees the provider's shape.

use crate::wire;
use flux_core::time;
use flux_gateway::model::{Account, Bank, ClabeDetail, DebitCardDetail, Instrument};

impl From<wire::Bank> for Bank {
    fn from(b: wire::Bank) -> Self {
        Bank {
            id: b.id,
            name: b.name,
            code: b.code,
            clabe_prefix: b.clabe_prefix,
        }
    }
}

/// Converts a provider timestamp to RFC 3339; None when absent or unreadable.
fn ts(text: &str) -> Option<String> {
    time::parse_provider(text).map(time::to_rfc3339)
}

fn nullable_ts(n: &wire::Nullable) -> Option<String> {
    n.as_option().and_then(ts)
}

impl From<wire::Account> for Account {
    fn from(a: wire::Account) -> Self {
        Account {
            id: a.id,
            account_id: a.account_id,
            client_id: a.client_id,
            owner_id: a.owner_id,
            owner_type: a.owner_type,
            bank_id: a.bank_id,
            client_bank_adapter_id: a.client_bank_adapter_id,
            instrument_id: a.instrument_id,
            account_number: a.account_number,
            clabe: a.clabe_number,
            available_balance: a.available_balance,
            currency: "MXN".into(),
            account_type: a.account_type,
            status: a.account_status,
            bank_adapter: a.bank_adapter,
            provider: "fincore".into(),
            provider_reference: a.id.to_string(),
            created_at: ts(&a.audit.created_at),
            updated_at: ts(&a.audit.updated_at),
            activated_at: nullable_ts(&a.audit.activated_at),
            blocked_at: nullable_ts(&a.audit.blocked_at),
            suspended_at: nullable_ts(&a.audit.suspended_at),
            ledger: None,
        }
    }
}

impl From<wire::Instrument> for Instrument {
    fn from(i: wire::Instrument) -> Self {
        let (instrument_kind, debit_card, virtual_clabe) = match i.instrument_detail {
            wire::InstrumentDetail::Card(c) => {
                let last4 = c
                    .card_number
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                (
                    "debit_card",
                    Some(DebitCardDetail {
                        card_number_masked: flux_core::card::mask(&c.card_number),
                        last4,
                        holder_name: c.holder_name,
                        expiration_date: c.expiration_date.as_option().map(str::to_string),
                    }),
                    None,
                )
            }
            wire::InstrumentDetail::Clabe(c) => (
                "virtual_clabe",
                None,
                Some(ClabeDetail {
                    clabe: c.clabe_number,
                    holder_name: c.holder_name,
                }),
            ),
        };
        Instrument {
            id: i.id,
            client_id: i.client_id,
            owner_id: i.owner_id,
            customer_id: i.customer_id,
            instrument_kind: instrument_kind.into(),
            kind: i.kind,
            alias: i.alias,
            rfc: i.rfc,
            bank_id: i.bank_id,
            debit_card,
            virtual_clabe,
            provider: "fincore".into(),
            provider_reference: i.id.to_string(),
            created_at: ts(&i.audit.created_at),
            updated_at: ts(&i.audit.updated_at),
        }
    }
}
