//! What every endpoint shares: reading the query string, and running engine work off the
//! async threads.

use std::collections::BTreeMap;

use crate::error::ApiError;

/// A request's query parameters, several values per name allowed (`theme=a&theme=b`).
pub(crate) struct Params(BTreeMap<String, Vec<String>>);

impl Params {
    /// Parses a query string; a name not in `known` is an error naming the nearest.
    pub(crate) fn parse(raw: Option<String>, known: &[&str]) -> Result<Self, ApiError> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for pair in raw.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(name)?;
            if !known.contains(&name.as_str()) {
                return Err(ApiError::BadRequest(verbatim_model::unknown_name(
                    "parameter",
                    &name,
                    known,
                )));
            }
            out.entry(name).or_default().push(decode(value)?);
        }
        Ok(Params(out))
    }

    /// The last non-empty value of `name`.
    pub(crate) fn one(&self, name: &str) -> Option<String> {
        self.0
            .get(name)
            .and_then(|v| v.last())
            .filter(|v| !v.is_empty())
            .cloned()
    }

    /// Every non-empty value of `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .get(name)
            .map(|values| values.iter().filter(|v| !v.is_empty()).cloned().collect())
            .unwrap_or_default()
    }

    /// `name` as a whole number, `default` when not given.
    pub(crate) fn number(&self, name: &str, default: usize) -> Result<usize, ApiError> {
        match self.one(name) {
            None => Ok(default),
            Some(value) => value
                .parse()
                .map_err(|_| ApiError::BadRequest(format!("{name}={value}: not a whole number"))),
        }
    }
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
fn decode(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| ApiError::BadRequest(format!("bad escape in {text:?}")))?;
                out.push(hex);
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ApiError::BadRequest(format!("{text:?} is not UTF-8")))
}

/// Runs blocking engine work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ApiError::Internal("the request's work failed".into()))?
}
