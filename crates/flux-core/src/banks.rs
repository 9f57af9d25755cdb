//! The SPEI participants catalog (Banxico), compiled in from `data/spei_institutions.csv`.
//! Every institution gets a stable UUID (v5 of its CLABE prefix) so that ids survive restarts
//! and match between Flux and the Fincore emulator; three ids from the seed documents are pinned.

use std::sync::OnceLock;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bank {
    pub id: Uuid,
    pub clabe_prefix: &'static str,
    pub banxico_code: &'static str,
    pub name: &'static str,
}

/// Namespace for bank ids: UUID v5 of "flux:spei-participants" in the URL namespace.
fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"flux:spei-participants")
}

/// Ids the seed documents use. 9d84b03a… is the issuing bank at Finco ("source_bank_id"),
/// 3054ff18… the destination bank of the seed's example card.
const PINNED: [(&str, &str); 2] = [
    ("734", "9d84b03a-28d1-4898-a69c-38824239e2b1"),
    ("072", "3054ff18-32a0-478d-b9fe-b5261f9a6e1f"),
];

/// Every SPEI participant, in catalog order.
pub fn all() -> &'static [Bank] {
    static BANKS: OnceLock<Vec<Bank>> = OnceLock::new();
    BANKS.get_or_init(|| {
        include_str!("../data/spei_institutions.csv")
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .filter_map(|line| {
                let mut parts = line.splitn(3, ',');
                let prefix = parts.next()?;
                let code = parts.next()?;
                let name = parts.next()?;
                let id = PINNED
                    .iter()
                    .find(|(p, _)| *p == prefix)
                    .and_then(|(_, id)| Uuid::parse_str(id).ok())
                    .unwrap_or_else(|| Uuid::new_v5(&namespace(), prefix.as_bytes()));
                Some(Bank {
                    id,
                    clabe_prefix: prefix,
                    banxico_code: code,
                    name,
                })
            })
            .collect()
    })
}

pub fn by_id(id: Uuid) -> Option<&'static Bank> {
    all().iter().find(|b| b.id == id)
}

pub fn by_clabe_prefix(prefix: &str) -> Option<&'static Bank> {
    all().iter().find(|b| b.clabe_prefix == prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_complete_and_stable() {
        assert_eq!(all().len(), 98);
        let finco = by_clabe_prefix("734").unwrap();
        assert_eq!(finco.id.to_string(), "9d84b03a-28d1-4898-a69c-38824239e2b1");
        assert_eq!(finco.banxico_code, "90734");
        assert!(by_id("3054ff18-32a0-478d-b9fe-b5261f9a6e1f".parse().unwrap()).is_some());
        let mut ids: Vec<_> = all().iter().map(|b| b.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 98);
    }
}
