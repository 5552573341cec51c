//! Where a number comes from: a sourced claim, or an assumption with its reason.
//!
//! # Example
//!
//! ```
//! use traincost_core::Provenance;
//!
//! let claimed = Provenance::claim("deepseek-v3-total-gpu-hours");
//! assert_eq!(claimed.describe(), "claim deepseek-v3-total-gpu-hours");
//! let assumed = Provenance::assumption_citing("a range around the posting", vec!["some-claim".into()]);
//! assert_eq!(assumed.informed_by(), ["some-claim"]);
//! assert!(!assumed.is_missing());
//! ```

use serde::{Deserialize, Serialize};

/// Where an input's value comes from. At least one of the two is always present: a number with
/// neither a claim nor an explicit assumption is a defect. Claims without an assumption are
/// the value's source (it is their figure); claims with one only inform the assumption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Ids of the claims (in the claims crate) the value is taken from or based on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<String>,
    /// Why the value was assumed, in one line, when it is not simply a claim's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}

impl Provenance {
    /// The value is the number a claim states.
    pub fn claim(id: impl Into<String>) -> Self {
        Provenance {
            claims: vec![id.into()],
            assumption: None,
        }
    }

    /// The value is an assumption, for this reason (see [`reason`]).
    pub fn assumption(reason: impl Into<String>) -> Self {
        Provenance {
            claims: Vec::new(),
            assumption: Some(self::reason(&reason.into())),
        }
    }

    /// An assumption informed by claims.
    pub fn assumption_citing(reason: impl Into<String>, claims: Vec<String>) -> Self {
        Provenance {
            claims,
            assumption: Some(self::reason(&reason.into())),
        }
    }

    /// True if neither a claim nor an assumption is given.
    pub fn is_missing(&self) -> bool {
        self.claims.is_empty()
            && self
                .assumption
                .as_deref()
                .is_none_or(|a| a.trim().is_empty())
    }

    /// The claims whose figure the value is: every cited claim when there is no assumption,
    /// none when the value is an assumption (then the claims only inform it).
    pub fn figure_of(&self) -> &[String] {
        match self.assumption {
            None => &self.claims,
            Some(_) => &[],
        }
    }

    /// The claims an assumption is informed by (the scenario's `informed_by`): its value need
    /// not be theirs.
    pub fn informed_by(&self) -> &[String] {
        match self.assumption {
            None => &[],
            Some(_) => &self.claims,
        }
    }

    /// One line for people: `claim deepseek-v3-total-gpu-hours` or `assumption: ...`.
    pub fn describe(&self) -> String {
        match (&self.assumption, self.claims.as_slice()) {
            (None, ids) => format!("claim {}", ids.join(", ")),
            (Some(a), []) => format!("assumption: {a}"),
            (Some(a), ids) => format!("assumption: {a} (informed by {})", ids.join(", ")),
        }
    }
}

/// An assumption's reason as its author wrote it, without a leading `assumption:` label
/// (reports add the label themselves: "assumption: assumption: ..." helps no one).
///
/// ```
/// use traincost_core::provenance::reason;
/// assert_eq!(reason("Assumption: 1-2 years"), "1-2 years");
/// assert_eq!(reason("an assumption: not a label"), "an assumption: not a label");
/// ```
pub fn reason(text: &str) -> String {
    let t = text.trim();
    match t.get(..11) {
        Some(label) if label.eq_ignore_ascii_case("assumption:") => t[11..].trim_start().to_owned(),
        _ => t.to_owned(),
    }
}
