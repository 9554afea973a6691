//! Share links: a scenario in a URL fragment. `v1.` + base64url(deflate(JSON)). Decoding is total —
//! any input gives a checked scenario or an error saying what is wrong with the link — and every
//! released format version keeps decoding.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::scenario::{Scenario, ScenarioError};

/// Refuse links that would inflate beyond this: a lesson is a few kilobytes.
const MAX_JSON_BYTES: usize = 256 * 1024;

/// Why a share link cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareLinkError {
    /// No `v<N>.` prefix.
    #[error("this is not a playground share link (it should start with \"v1.\")")]
    NotALink,
    /// A link format this build does not know.
    #[error("share link version {0} is newer than this playground; reload the page to update")]
    UnknownVersion(String),
    /// The text after the prefix is not base64url.
    #[error("the share link is damaged (not base64url); copy it again in full")]
    NotBase64,
    /// The compressed data is damaged or too large.
    #[error("the share link is damaged (it does not decompress); copy it again in full")]
    NotCompressed,
    /// It decoded, but is not a usable scenario.
    #[error("the share link holds no usable scenario: {0}")]
    Scenario(#[from] ScenarioError),
}

/// The link fragment for `scenario`.
pub fn encode(scenario: &Scenario) -> String {
    let json = serde_json::to_vec(scenario).unwrap_or_default();
    let compressed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("v1.{}", URL_SAFE_NO_PAD.encode(compressed))
}

/// The scenario in a link fragment (with or without a leading `#`).
pub fn decode(link: &str) -> Result<Scenario, ShareLinkError> {
    let link = link.trim().trim_start_matches('#');
    let (version, data) = link.split_once('.').ok_or(ShareLinkError::NotALink)?;
    match version {
        "v1" => {
            let compressed = URL_SAFE_NO_PAD
                .decode(data)
                .map_err(|_| ShareLinkError::NotBase64)?;
            let json =
                miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_JSON_BYTES)
                    .map_err(|_| ShareLinkError::NotCompressed)?;
            let text = String::from_utf8(json).map_err(|_| ShareLinkError::NotCompressed)?;
            Ok(Scenario::from_json(&text)?)
        }
        other
            if other.starts_with('v')
                && other[1..].chars().all(|c| c.is_ascii_digit())
                && other.len() > 1 =>
        {
            Err(ShareLinkError::UnknownVersion(other[1..].into()))
        }
        _ => Err(ShareLinkError::NotALink),
    }
}
