//! Reference data: `GET /products` and the `GET /catalogs/*` lists.

use super::CodeDescription;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `GET /products` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductsData {
    pub products: ProductPage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub total: u64,
    pub detail: Vec<Product>,
}

/// A card product (BIN range and rules) of the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub description: String,
    pub country: CodeDescription,
    pub coin: CodeDescription,
    #[serde(rename = "type")]
    pub kind: KeyValue,
    pub status: KeyValue,
    pub affinity_group: String,
    /// Physical cards of the product still unassigned.
    pub stock_cards: u64,
    pub allow_blank_curp: bool,
    pub allow_blank_rfc: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

/// A catalog answer's `data`: one member, named after the catalog
/// ([`super::CatalogKind::data_key`]), listing its entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CatalogData(pub BTreeMap<String, Vec<CatalogEntry>>);

impl CatalogData {
    pub fn entries(&self, kind: super::CatalogKind) -> &[CatalogEntry] {
        self.0
            .get(kind.data_key())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// `key` is what requests send (`CDMX`, `INE`, `SOLTERO`); `value` is the processor's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub key: String,
    pub value: String,
    pub description: String,
}
