//! Keeping unknown fields without losing exact numbers.
//!
//! `#[serde(flatten)]` would keep unknown fields, but it buffers the whole object first and
//! turns every number into an `f64` on the way, so an [`Amount`](super::Amount) or a
//! [`Clabe`](super::Clabe) below it would be rounded or refused. Structs that hold such a
//! number (directly or in a child) are declared with [`lossless_struct!`]: it reads the object's
//! raw JSON text once, parses the known fields from that text with serde_json's own
//! deserializer, and keeps the other members in `extra`. Serializing still uses flatten, which
//! is safe in that direction.
//!
//! Only values under unknown members go through `serde_json::Value` (and so `f64`); Félix
//! documents no money there.

use serde::{de::DeserializeOwned, de::Error as _, Deserialize, Deserializer};
use serde_json::{value::RawValue, Map, Value};

/// Parses the known fields `K` from an object's text, and returns the members not in `known`.
pub(crate) fn split<'de, D, K>(d: D, known: &[&str]) -> Result<(K, Map<String, Value>), D::Error>
where
    D: Deserializer<'de>,
    K: DeserializeOwned,
{
    let raw = Box::<RawValue>::deserialize(d)?;
    let fields: K = serde_json::from_str(raw.get()).map_err(D::Error::custom)?;
    let mut extra: Map<String, Value> =
        serde_json::from_str(raw.get()).map_err(D::Error::custom)?;
    extra.retain(|k, _| !known.contains(&k.as_str()));
    Ok((fields, extra))
}

/// Declares a wire struct whose unknown members are kept in `extra` without flatten on the way
/// in (see the module docs). Fields are written as in a normal struct, with serde attributes.
macro_rules! lossless_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(serde::Serialize)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// Members this version of the type does not know, kept as received.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(serde::Deserialize)]
                struct Known {
                    $( $(#[$fmeta])* $field: $ty, )*
                }
                let (known, extra): (Known, _) =
                    $crate::wire::lossless::split(d, &[$(stringify!($field)),*])?;
                Ok($name { $( $field: known.$field, )* extra })
            }
        }
    };
}

pub(crate) use lossless_struct;
