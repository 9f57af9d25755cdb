//! Félix (remittance requests toward Mexico and LatAm), from the Félix Integrations API 2.0.0
//! document.
//!
//! - [`wire`]: request, response and callback types as the document shows them, with amounts
//!   and CLABEs read exactly from the JSON text (Félix sends them as JSON numbers).

pub mod wire;
