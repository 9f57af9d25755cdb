//! The emulator's reference data. The seed's catalog examples show two entries each; the rest
//! of each list is this crate's choice (Mexico's 32 states, the usual identity documents and
//! marital statuses), keeping the seed's own entries and codes. The SPEI institutions are the
//! project's SPEI participants list (`spei_institutions.csv`, copied next to this file), names
//! upper-cased as the seed writes them.

use crate::wire::{CardStatus, CatalogEntry, CatalogKind, Institution};

const STATES: &[(&str, &str)] = &[
    ("CDMX", "A"),
    ("AGUASCALIENTES", "B"),
    ("BAJA_CALIFORNIA", "C"),
    ("BAJA_CALIFORNIA_SUR", "D"),
    ("CAMPECHE", "E"),
    ("CHIAPAS", "F"),
    ("CHIHUAHUA", "G"),
    ("COAHUILA", "H"),
    ("COLIMA", "I"),
    ("DURANGO", "J"),
    ("ESTADO_DE_MEXICO", "K"),
    ("GUANAJUATO", "L"),
    ("GUERRERO", "M"),
    ("HIDALGO", "N"),
    ("JALISCO", "O"),
    ("MICHOACAN", "P"),
    ("MORELOS", "Q"),
    ("NAYARIT", "R"),
    ("NUEVO_LEON", "S"),
    ("OAXACA", "T"),
    ("PUEBLA", "U"),
    ("QUERETARO", "V"),
    ("QUINTANA_ROO", "W"),
    ("SAN_LUIS_POTOSI", "X"),
    ("SINALOA", "Y"),
    ("SONORA", "Z"),
    ("TABASCO", "AA"),
    ("TAMAULIPAS", "AB"),
    ("TLAXCALA", "AC"),
    ("VERACRUZ", "AD"),
    ("YUCATAN", "AE"),
    ("ZACATECAS", "AF"),
];

const DOCUMENT_TYPES: &[(&str, &str, &str)] = &[
    ("INE", "INE", "Instituto Nacional Electoral"),
    ("IFE", "IFE", "Instituto Federal Electoral"),
    ("PASAPORTE", "PAS", "Pasaporte"),
    ("CEDULA_PROFESIONAL", "CED", "Cédula profesional"),
    ("CARTILLA_MILITAR", "CAR", "Cartilla del servicio militar"),
];

const MARITAL_STATUS: &[(&str, &str)] = &[
    ("SOLTERO", "S"),
    ("CASADO", "C"),
    ("DIVORCIADO", "D"),
    ("VIUDO", "V"),
    ("UNION_LIBRE", "U"),
];

const GENDER: &[&str] = &["MALE", "FEMALE"];

fn entry(key: &str, value: &str, description: &str) -> CatalogEntry {
    CatalogEntry {
        key: key.to_string(),
        value: value.to_string(),
        description: description.to_string(),
    }
}

pub(crate) fn catalog(kind: CatalogKind) -> Vec<CatalogEntry> {
    match kind {
        CatalogKind::CardStatus => CardStatus::ALL
            .iter()
            .map(|s| entry(s.as_str(), s.code(), ""))
            .collect(),
        CatalogKind::DocumentType => DOCUMENT_TYPES
            .iter()
            .map(|(k, v, _)| entry(k, v, ""))
            .collect(),
        CatalogKind::States => STATES.iter().map(|(k, v)| entry(k, v, "")).collect(),
        CatalogKind::MaritalStatus => MARITAL_STATUS
            .iter()
            .map(|(k, v)| entry(k, v, ""))
            .collect(),
        CatalogKind::Gender => GENDER.iter().map(|k| entry(k, k, "")).collect(),
    }
}

pub(crate) fn in_catalog(kind: CatalogKind, key: &str) -> bool {
    match kind {
        CatalogKind::CardStatus => CardStatus::parse(key).is_some(),
        CatalogKind::DocumentType => DOCUMENT_TYPES.iter().any(|(k, _, _)| *k == key),
        CatalogKind::States => STATES.iter().any(|(k, _)| *k == key),
        CatalogKind::MaritalStatus => MARITAL_STATUS.iter().any(|(k, _)| *k == key),
        CatalogKind::Gender => GENDER.contains(&key),
    }
}

pub(crate) fn document_description(key: &str) -> Option<&'static str> {
    DOCUMENT_TYPES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, _, d)| *d)
}

const INSTITUTIONS_CSV: &str = include_str!("spei_institutions.csv");

pub(crate) fn institutions() -> Vec<Institution> {
    INSTITUTIONS_CSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut parts = line.splitn(3, ',');
            let prefix = parts.next()?.trim();
            let code = parts.next()?.trim();
            let name = parts.next()?.trim().trim_matches('"');
            Some(Institution {
                inicio_clabe: prefix.to_string(),
                clave_institucion: code.to_string(),
                nombre_institucion: name.to_uppercase(),
            })
        })
        .collect()
}

/// CLABE check digit (weights 3, 7, 1 over the first 17 digits).
pub(crate) fn clabe_is_valid(clabe: &str) -> bool {
    if clabe.len() != 18 || !clabe.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = clabe.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = digits[..17]
        .iter()
        .zip([3u32, 7, 1].iter().cycle())
        .map(|(d, w)| (d * w) % 10)
        .sum();
    (10 - sum % 10) % 10 == digits[17]
}

/// Luhn check of a card number.
pub(crate) fn luhn_is_valid(pan: &str) -> bool {
    if pan.is_empty() || !pan.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    luhn_sum(pan, false).is_multiple_of(10)
}

fn luhn_sum(digits: &str, double_first: bool) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if (i % 2 == 1) != double_first {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum()
}

/// A card number of 16 digits starting with `prefix` (15 digits), with its Luhn digit.
pub(crate) fn with_luhn_digit(prefix15: &str) -> String {
    let sum = luhn_sum(prefix15, true);
    format!("{prefix15}{}", (10 - sum % 10) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits() {
        assert!(clabe_is_valid("014027000005555558"));
        assert!(!clabe_is_valid("014027000005555559"));
        assert!(luhn_is_valid("4111111111111111"));
        assert!(!luhn_is_valid("5579072268574100"));
        let pan = with_luhn_digit("557907226857410");
        assert!(luhn_is_valid(&pan), "{pan}");
        assert!(institutions()
            .iter()
            .any(|i| i.inicio_clabe == "014" && i.nombre_institucion == "SANTANDER"));
    }
}
