//! Strict validation of partner input. A body is first parsed as JSON (malformed, or a key
//! repeated in one object → 400), then each field is checked and every problem is collected,
//! so one 422 names them all.

use crate::error::{ApiError, FieldError};
use flux_core::{card, clabe, rfc, Amount, Currency};
use flux_store::Slice;
use serde_json::{Map, Value};
use uuid::Uuid;

/// Parses a request body as a JSON object.
pub fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "malformed_json",
            "the request body is empty; send a JSON object",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => match flux_core::json::first_duplicate_key(body) {
            None => Ok(m),
            Some(path) => Err(duplicate_key(path)),
        },
        Ok(_) => Err(ApiError::bad_request(
            "malformed_json",
            "the request body must be a JSON object",
        )),
        Err(e) => Err(ApiError::bad_request(
            "malformed_json",
            format!("the request body is not valid JSON: {e}"),
        )),
    }
}

/// 400 `duplicate_json_key`: the parser would keep the last value and drop the first, while
/// whatever else reads the same body (a proxy, the audit trail, the partner's own logs) may
/// keep the first: refuse rather than guess which amount was meant.
fn duplicate_key(path: String) -> ApiError {
    let reason = "appears more than once in the same object; send each field once";
    let mut e = ApiError::bad_request("duplicate_json_key", format!("{path}: {reason}"));
    e.errors = vec![FieldError {
        field: path,
        reason: reason.into(),
    }];
    e
}

/// Collects field errors while reading an object.
pub struct Fields<'a> {
    obj: &'a Map<String, Value>,
    prefix: String,
    pub errors: Vec<FieldError>,
    known: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    pub fn new(obj: &'a Map<String, Value>) -> Self {
        Fields {
            obj,
            prefix: String::new(),
            errors: vec![],
            known: vec![],
        }
    }

    fn name(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    pub fn fail(&mut self, field: &str, reason: impl Into<String>) {
        let field = self.name(field);
        self.errors.push(FieldError {
            field,
            reason: reason.into(),
        });
    }

    fn get(&mut self, field: &'static str, required: bool) -> Option<&'a Value> {
        self.known.push(field);
        match self.obj.get(field) {
            None | Some(Value::Null) if required => {
                self.fail(field, "is required");
                None
            }
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn text(&mut self, field: &'static str, required: bool) -> Option<&'a str> {
        let v = self.get(field, required)?;
        match v.as_str() {
            Some(s) => Some(s),
            None => {
                self.fail(field, format!("must be a string, got {}", kind(v)));
                None
            }
        }
    }

    pub fn string(&mut self, field: &'static str, min: usize, max: usize) -> Option<String> {
        let s = self.text(field, true)?;
        self.check_len(field, s, min, max)
    }

    pub fn opt_string(&mut self, field: &'static str, min: usize, max: usize) -> Option<String> {
        let s = self.text(field, false)?;
        self.check_len(field, s, min, max)
    }

    fn check_len(
        &mut self,
        field: &'static str,
        s: &str,
        min: usize,
        max: usize,
    ) -> Option<String> {
        let n = s.chars().count();
        if n < min || n > max {
            self.fail(field, format!("must be {min} to {max} characters long"));
            return None;
        }
        if s.chars().any(|c| c.is_control()) {
            self.fail(field, "must not contain control characters");
            return None;
        }
        Some(s.to_string())
    }

    pub fn uuid(&mut self, field: &'static str) -> Option<Uuid> {
        let s = self.text(field, true)?;
        self.parse_uuid(field, s)
    }

    pub fn opt_uuid(&mut self, field: &'static str) -> Option<Uuid> {
        let s = self.text(field, false)?;
        self.parse_uuid(field, s)
    }

    fn parse_uuid(&mut self, field: &'static str, s: &str) -> Option<Uuid> {
        match Uuid::parse_str(s) {
            Ok(u) if s.len() == 36 => Some(u),
            _ => {
                self.fail(
                    field,
                    "must be a UUID such as 205ae70f-ab7e-4b8d-85be-ac16f47c8983",
                );
                None
            }
        }
    }

    /// One of a fixed set of values.
    pub fn one_of(&mut self, field: &'static str, allowed: &[&str]) -> Option<String> {
        let s = self.text(field, true)?;
        self.check_one_of(field, s, allowed)
    }

    pub fn opt_one_of(&mut self, field: &'static str, allowed: &[&str]) -> Option<String> {
        let s = self.text(field, false)?;
        self.check_one_of(field, s, allowed)
    }

    fn check_one_of(&mut self, field: &'static str, s: &str, allowed: &[&str]) -> Option<String> {
        if allowed.contains(&s) {
            Some(s.to_string())
        } else {
            self.fail(field, format!("must be one of {}", allowed.join(", ")));
            None
        }
    }

    pub fn currency(&mut self, field: &'static str) -> Option<Currency> {
        let s = self.text(field, true)?;
        match s.parse::<Currency>() {
            Ok(c) => Some(c),
            Err(e) => {
                self.fail(field, e.to_string());
                None
            }
        }
    }

    /// An amount: a decimal string (a JSON number is refused with a hint), checked against
    /// the currency once it is known.
    pub fn amount(&mut self, field: &'static str, currency: Option<Currency>) -> Option<Amount> {
        let v = self.get(field, true)?;
        let Some(s) = v.as_str() else {
            let reason = if v.is_number() {
                "must be a decimal string such as \"100.00\", not a JSON number (numbers lose precision)".to_string()
            } else {
                format!(
                    "must be a decimal string such as \"100.00\", got {}",
                    kind(v)
                )
            };
            self.fail(field, reason);
            return None;
        };
        match Amount::parse(s, currency.unwrap_or(Currency::MXN)) {
            Ok(a) => Some(a),
            Err(e) => {
                self.fail(field, e.to_string());
                None
            }
        }
    }

    pub fn card_number(&mut self, field: &'static str) -> Option<String> {
        let s = self.text(field, true)?;
        match card::validate(s) {
            Ok(()) => Some(s.to_string()),
            Err(card::CardError::Luhn) => {
                self.fail(field, "fails the Luhn check: not a valid card number (see the README for sandbox test cards)");
                None
            }
            Err(e) => {
                self.fail(field, e.to_string());
                None
            }
        }
    }

    pub fn clabe(&mut self, field: &'static str) -> Option<String> {
        let s = self.text(field, true)?;
        match clabe::validate(s) {
            Ok(()) => Some(s.to_string()),
            Err(e) => {
                self.fail(field, e.to_string());
                None
            }
        }
    }

    pub fn rfc(&mut self, field: &'static str) -> Option<String> {
        let s = self.text(field, true)?;
        match rfc::validate(s) {
            Ok(()) => Some(s.to_string()),
            Err(e) => {
                self.fail(field, e.to_string());
                None
            }
        }
    }

    /// A known SPEI participant's id.
    pub fn bank_id(&mut self, field: &'static str) -> Option<Uuid> {
        let id = self.uuid(field)?;
        if flux_core::banks::by_id(id).is_none() {
            self.fail(
                field,
                "is not a known SPEI participant (see GET /api/partners/banks)",
            );
            return None;
        }
        Some(id)
    }

    /// A nested object, validated by `f` with dotted field names.
    pub fn object<T>(
        &mut self,
        field: &'static str,
        required: bool,
        f: impl FnOnce(&mut Fields<'a>) -> Option<T>,
    ) -> Option<T> {
        let v = self.get(field, required)?;
        let Some(obj) = v.as_object() else {
            self.fail(field, format!("must be an object, got {}", kind(v)));
            return None;
        };
        let mut nested = Fields {
            obj,
            prefix: format!("{}{field}.", self.prefix),
            errors: vec![],
            known: vec![],
        };
        let out = f(&mut nested);
        nested.reject_unknown();
        self.errors.append(&mut nested.errors);
        out
    }

    /// Marks a field as known without reading it.
    pub fn allow(&mut self, field: &'static str) {
        self.known.push(field);
    }

    fn reject_unknown(&mut self) {
        let unknown: Vec<String> = self
            .obj
            .keys()
            .filter(|k| !self.known.contains(&k.as_str()))
            .cloned()
            .collect();
        for k in unknown {
            let field = self.name(&k);
            self.errors.push(FieldError {
                field,
                reason: "is not a recognised field".into(),
            });
        }
    }

    /// Ends validation: every problem found, or Ok.
    pub fn finish(mut self) -> Result<(), ApiError> {
        self.reject_unknown();
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.errors))
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The slice of a list a handler's query map asks for: `page`/`per_page` (OFFSET, the
/// default) or `starting_after`/`per_page` (keyset). `starting_after` must be an id, and cannot
/// be combined with `page`: 422 naming it.
pub fn page_query(
    q: &std::collections::HashMap<String, String>,
    max: u32,
) -> Result<Slice, ApiError> {
    let (page, per_page) = page_params(
        q.get("page").map(String::as_str),
        q.get("per_page").map(String::as_str),
        max,
    )?;
    match q.get("starting_after") {
        None => Ok(Slice::Offset { page, per_page }),
        Some(_) if q.contains_key("page") => Err(ApiError::query_field(
            "starting_after",
            "cannot be combined with page: page by number or by cursor, not both",
        )),
        // Ids are stored as UUIDs in their hyphenated lowercase form, deliveries' as `msg_…`;
        // anything else names no item, which the store answers as for any unknown id.
        Some(s) if s.is_empty() || s.len() > 64 => Err(ApiError::query_field(
            "starting_after",
            "must be the id of an item of this list",
        )),
        Some(s) => {
            let id = Uuid::parse_str(s).map_or_else(|_| s.clone(), |u| u.to_string());
            Ok(Slice::After { id, per_page })
        }
    }
}

/// Pagination query parameters, shared by every list: absent is the default (page 1, 50 per
/// page); present, even empty (`per_page=`), it must be an integer from 1 to 1,000,000 (`page`)
/// or `max` (`per_page`), else 422 naming it, as for every query parameter.
pub fn page_params(
    page: Option<&str>,
    per_page: Option<&str>,
    max: u32,
) -> Result<(u32, u32), ApiError> {
    let mut errors = vec![];
    let mut parse = |name: &str, v: Option<&str>, default: u32, hi: u32| match v {
        None => default,
        Some(s) => match s.parse::<u32>() {
            Ok(n) if n >= 1 && n <= hi => n,
            _ => {
                errors.push(FieldError {
                    field: name.into(),
                    reason: format!("must be an integer from 1 to {hi}"),
                });
                default
            }
        },
    };
    let p = parse("page", page, 1, 1_000_000);
    let pp = parse("per_page", per_page, 50, max);
    if errors.is_empty() {
        Ok((p, pp))
    } else {
        Err(ApiError::query_validation(errors))
    }
}

/// The OpenAPI schemas of the fields [`Fields`] checks, for `#[schema(schema_with = …)]` on the
/// documented bodies, built from the same constants as the checks so the two cannot drift.
/// Business rules beyond a schema (check digits, known banks, funds) are stated in the
/// descriptions; the server answers 422 for them.
pub mod schema {
    use flux_core::{Currency, AMOUNT_PATTERN};
    use serde_json::json;
    use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

    /// Free text as [`super::Fields::string`] takes it: no control characters.
    pub const TEXT_PATTERN: &str = r"^[^\x00-\x1F\x7F-\x9F]*$";

    fn string() -> ObjectBuilder {
        ObjectBuilder::new().schema_type(Type::String)
    }

    /// A positive decimal string with at most 2 decimals, up to 100,000,000.
    pub fn amount() -> Object {
        string()
            .pattern(Some(AMOUNT_PATTERN))
            .max_length(Some(40))
            .description(Some(
                "Decimal string such as \"100.00\" (never a JSON number): greater than 0, at most \
                 100000000, with no more decimals than the currency allows (2)",
            ))
            .examples([json!("100.00")])
            .build()
    }

    /// One of `values` (as [`super::Fields::one_of`]); `nullable` for an optional field, where
    /// null means absent.
    pub fn one_of(values: &[&str], nullable: bool) -> Object {
        let mut values: Vec<Option<&str>> = values.iter().copied().map(Some).collect();
        let mut b = string();
        if nullable {
            values.push(None);
            b = b.schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                Type::String,
                Type::Null,
            ]));
        }
        b.enum_values(Some(values)).build()
    }

    pub fn currency() -> Object {
        string()
            .enum_values(Some(Currency::ALL.iter().map(|c| c.code())))
            .build()
    }

    /// MXN only: SPEI moves pesos.
    pub fn mxn() -> Object {
        string().enum_values(Some(["MXN"])).build()
    }

    /// 18 digits; the first 3 name a known bank and the last is the check digit (a wrong one
    /// is 422).
    pub fn clabe() -> Object {
        string()
            .pattern(Some("^[0-9]{18}$"))
            .description(Some(
                "CLABE: 18 digits, a known bank prefix and a correct check digit",
            ))
            .examples([json!("646180157000000004")])
            .build()
    }

    pub fn optional_clabe() -> Object {
        string()
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                Type::String,
                Type::Null,
            ]))
            .pattern(Some("^[0-9]{18}$"))
            .description(Some(
                "CLABE: 18 digits, a known bank prefix and a correct check digit",
            ))
            .build()
    }

    /// 16 digits passing the Luhn check (a failing one is 422).
    pub fn card_number() -> Object {
        string()
            .pattern(Some("^[0-9]{16}$"))
            .description(Some("16 digits passing the Luhn check"))
            .build()
    }

    /// A Mexican RFC (12 or 13 characters), or "ND".
    pub fn rfc() -> Object {
        rfc_of(string())
    }

    pub fn optional_rfc() -> Object {
        rfc_of(
            string().schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                Type::String,
                Type::Null,
            ])),
        )
    }

    fn rfc_of(b: ObjectBuilder) -> Object {
        b.pattern(Some(
            "^(ND|[A-ZÑ&]{3,4}[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{3})$",
        ))
        .description(Some("RFC of the holder (12 or 13 characters), or \"ND\""))
        .build()
    }
}
