//! How records are shown in answers. Timestamps are Mexico City time, written as the seed
//! writes them (`2020-11-26T02:26:32.066-06:00`; Mexico City has kept UTC-6 all year since
//! 2022).

use super::state::{CardRec, CardholderRec, ClientRec, State};
use crate::wire::*;
use chrono::{DateTime, FixedOffset, Offset, Utc};

pub(crate) fn mexico(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    let offset = FixedOffset::west_opt(6 * 3600).unwrap_or_else(|| Utc.fix());
    at.with_timezone(&offset)
}

pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    mexico(at).format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

/// `2021-04-08 15:54:37`, or "N/D".
pub(crate) fn plain_time(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| mexico(t).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "N/D".to_string())
}

/// `{ id, masked_card_number, type, status }`.
pub(crate) fn card(rec: &CardRec) -> Card {
    let mut c = Card::bare(&rec.id);
    c.kind = Some(rec.kind);
    c.status = Some(rec.status);
    c.masked_card_number = Some(rec.masked());
    c
}

/// `{ id, reference }` with the reference as a number.
pub(crate) fn account(rec: &CardRec) -> Account {
    let mut a = Account::bare(&rec.account_id);
    a.reference = Some(NumOrText::number(rec.account_reference.to_string()));
    a
}

pub(crate) fn card_data(rec: &CardRec) -> CardData {
    CardData {
        card: card(rec),
        account: account(rec),
    }
}

/// The identity block card answers carry.
pub(crate) fn cardholder_identity(rec: &CardholderRec) -> Cardholder {
    let d = &rec.data;
    Cardholder {
        id: rec.id.clone(),
        first_name: d.first_name.clone(),
        second_name: d.second_name.clone(),
        surname: d.surname.clone(),
        second_surname: d.second_surname.clone(),
        rfc: d.rfc.clone(),
        curp: d.curp.clone(),
        email: None,
        primary_phone: None,
        mobile_phone: None,
        address: None,
        birthdate: None,
        gender: None,
        gross_monthly_income: None,
        net_monthly_income: None,
        observations: None,
        has_kids: None,
        marital_status: None,
        external_id: None,
        accounts: None,
    }
}

/// Everything `GET /cardholders` shows, with one account per assigned card.
pub(crate) fn cardholder_full(state: &State, rec: &CardholderRec) -> Cardholder {
    let d = &rec.data;
    let mut c = cardholder_identity(rec);
    c.email = Some(d.email.clone());
    c.primary_phone = Some(d.primary_phone.clone());
    c.mobile_phone = Some(d.mobile_phone.clone());
    c.address = Some(Address {
        street: d.street.clone(),
        external_street_number: d.ext_street_number.clone(),
        internal_street_number: d.int_street_number.clone().unwrap_or_default(),
        suburb: d.suburb.clone(),
        township: d.township.clone().unwrap_or_default(),
        city: d.city.clone(),
        state: d.state.clone(),
        postal_code: d.postal_code.clone(),
        country: "484".into(),
    });
    c.birthdate = Some(d.birthdate.clone());
    c.gender = Some(d.gender.clone());
    c.gross_monthly_income = d.gross_monthly_income;
    c.net_monthly_income = d.net_monthly_income;
    c.observations = Some(d.observations.clone().unwrap_or_default());
    c.has_kids = Some(d.has_kids);
    c.marital_status = Some(d.marital_status.clone());
    c.external_id = d.external_id.clone();
    let accounts = state
        .cards
        .values()
        .filter(|card| card.cardholder_id.as_deref() == Some(rec.id.as_str()))
        .map(|card| {
            let key = card
                .assigned_by
                .as_deref()
                .and_then(|k| state.api_keys.get(k));
            let (doc_type, doc_number) = card.document.clone().unwrap_or_default();
            CardholderAccount {
                id: card.account_id.clone(),
                account_number: NumOrText::number(card.account_reference.to_string()),
                creation_date: card.assigned_at.map(timestamp).unwrap_or_default(),
                activation_date: card.activated_at.map(timestamp),
                assigned_by: key.map(|k| k.id.clone()).unwrap_or_default(),
                status: if card.status.is_final() {
                    "CANCELED".into()
                } else {
                    "ACTIVE".into()
                },
                document: Document {
                    kind: doc_type,
                    description: None,
                    number: doc_number,
                },
                cards: vec![AccountCard {
                    id: card.id.clone(),
                    last_four: card.last_four().to_string(),
                    assignation_date: card.assigned_at.map(timestamp).unwrap_or_default(),
                    status: card.status,
                    assigned_by: Assigner {
                        id: key.map(|k| k.id.clone()).unwrap_or_default(),
                        alias: key.map(|k| k.alias.clone()).unwrap_or_default(),
                        name: key.map(|k| k.api_key.clone()).unwrap_or_default(),
                        description: key.map(|k| k.description.clone()).unwrap_or_default(),
                    },
                }],
            }
        })
        .collect();
    c.accounts = Some(accounts);
    c
}

/// A client's profile; `login` selects login's spelling (`timezone`, timestamps).
pub(crate) fn client_profile(rec: &ClientRec, login: bool) -> ClientProfile {
    ClientProfile {
        id: rec.id.clone(),
        name: rec.name.clone(),
        alias: rec.alias.clone(),
        code: rec.code.clone(),
        entity_code: login.then(|| rec.entity_code.clone()),
        email: rec.email.clone(),
        available: Amount(rec.available),
        balance: Amount(rec.balance),
        timezone: login.then(|| "America/Mexico_City".to_string()),
        time_zone: (!login).then(|| "America/Mexico_City".to_string()),
        status: "ACTIVE".into(),
        created_at: login.then(|| timestamp(rec.created_at)),
        updated_at: login.then(|| timestamp(rec.updated_at)),
    }
}

pub(crate) fn funded(rec: &ClientRec) -> FundedClient {
    FundedClient {
        id: rec.id.clone(),
        code: rec.code.clone(),
        name: rec.name.clone(),
        available: Amount(rec.available),
        rfc: rec.rfc.clone(),
    }
}
