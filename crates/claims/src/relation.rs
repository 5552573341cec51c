//! Arithmetic relations between claims, declared as data and checked with a tolerance.
//!
//! A relation compares two expressions over claim ids and numbers:
//!
//! ```toml
//! [[relation]]
//! id = "deepseek-v3-stage-gpu-hours-add-up"
//! description = "Table 1: the three stages add up to the total"
//! left = "deepseek-v3-pretraining-gpu-hours + deepseek-v3-context-extension-gpu-hours + deepseek-v3-post-training-gpu-hours"
//! op = "="            # or "<=", ">="; default "="
//! right = "deepseek-v3-total-gpu-hours"
//! tolerance = 0.0     # relative, default 0
//! abs_tolerance = 0.0 # absolute, default 0
//! ```
//!
//! A claim stands for its [`Value::point`](crate::Value::point): the number, the bound, or
//! the midpoint of a range. A relation may not use an erroneous claim.

use std::fmt;

use serde::Serialize;

use crate::claim::Origin;
use crate::{BaseUnit, Claim, ClaimSet, Unit};

/// An arithmetic expression over claim ids and numbers.
///
/// Claim ids contain hyphens, so a minus sign needs spaces around it: `a - b`.
///
/// ```
/// use traincost_claims::relation::Expr;
/// let e = Expr::parse("512 * (198 + 80) * 2").unwrap();
/// assert_eq!(e.eval(&|_| None).unwrap(), 284_672.0);
/// let f = Expr::parse("gpu-hours * price").unwrap();
/// assert_eq!(f.claim_ids(), vec!["gpu-hours", "price"]);
/// assert!(Expr::parse("1 +").is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number.
    Number(f64),
    /// The value of the claim with this id.
    Claim(String),
    /// Negation.
    Neg(Box<Expr>),
    /// A binary operation: `+ - * /`.
    Binary(Box<Expr>, char, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Num(f64),
    Id(String),
    Op(char),
}

fn tokenize(s: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                i += 1;
                if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                    i += 1;
                }
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
            let n = text
                .parse::<f64>()
                .map_err(|_| format!("`{text}` is not a number"))?;
            out.push(Token::Num(n));
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '-') {
                i += 1;
            }
            let id: String = chars[start..i]
                .iter()
                .collect::<String>()
                .trim_end_matches('-')
                .to_string();
            i = start + id.chars().count();
            out.push(Token::Id(id));
        } else if "+-*/()×".contains(c) {
            out.push(Token::Op(if c == '×' { '*' } else { c }));
            i += 1;
        } else {
            return Err(format!("unexpected character `{c}`"));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut e = self.product()?;
        while let Some(Token::Op(op @ ('+' | '-'))) = self.peek().cloned() {
            self.pos += 1;
            e = Expr::Binary(Box::new(e), op, Box::new(self.product()?));
        }
        Ok(e)
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut e = self.atom()?;
        while let Some(Token::Op(op @ ('*' | '/'))) = self.peek().cloned() {
            self.pos += 1;
            e = Expr::Binary(Box::new(e), op, Box::new(self.atom()?));
        }
        Ok(e)
    }

    fn atom(&mut self) -> Result<Expr, String> {
        let t = self.peek().cloned();
        self.pos += 1;
        match t {
            Some(Token::Num(n)) => Ok(Expr::Number(n)),
            Some(Token::Id(id)) => Ok(Expr::Claim(id)),
            Some(Token::Op('-')) => Ok(Expr::Neg(Box::new(self.atom()?))),
            Some(Token::Op('(')) => {
                let e = self.sum()?;
                match self.peek() {
                    Some(Token::Op(')')) => {
                        self.pos += 1;
                        Ok(e)
                    }
                    _ => Err("missing `)`".into()),
                }
            }
            Some(Token::Op(c)) => Err(format!("unexpected `{c}`")),
            None => Err("the expression ends too early".into()),
        }
    }
}

impl Expr {
    /// Parses an expression: claim ids, numbers, `+ - * / ×` and parentheses.
    pub fn parse(s: &str) -> Result<Expr, String> {
        let mut p = Parser {
            tokens: tokenize(s)?,
            pos: 0,
        };
        if p.tokens.is_empty() {
            return Err("the expression is empty".into());
        }
        let e = p.sum()?;
        match p.peek() {
            None => Ok(e),
            Some(t) => Err(format!(
                "unexpected {} after a complete expression",
                match t {
                    Token::Num(n) => format!("number {n}"),
                    Token::Id(id) => format!("`{id}`"),
                    Token::Op(c) => format!("`{c}`"),
                }
            )),
        }
    }

    /// The claim ids used, in order of appearance (with repeats removed).
    pub fn claim_ids(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_ids(&mut out);
        out
    }

    fn collect_ids<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Number(_) => {}
            Expr::Claim(id) => {
                if !out.contains(&id.as_str()) {
                    out.push(id);
                }
            }
            Expr::Neg(e) => e.collect_ids(out),
            Expr::Binary(a, _, b) => {
                a.collect_ids(out);
                b.collect_ids(out);
            }
        }
    }

    /// Evaluates, looking claim values up with `value_of` (an error names an unknown id).
    pub fn eval(&self, value_of: &dyn Fn(&str) -> Option<f64>) -> Result<f64, String> {
        Ok(match self {
            Expr::Number(n) => *n,
            Expr::Claim(id) => value_of(id).ok_or_else(|| format!("unknown claim id `{id}`"))?,
            Expr::Neg(e) => -e.eval(value_of)?,
            Expr::Binary(a, op, b) => {
                let (a, b) = (a.eval(value_of)?, b.eval(value_of)?);
                match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    _ if b == 0.0 => return Err("division by zero".into()),
                    _ => a / b,
                }
            }
        })
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn prec(e: &Expr) -> u8 {
            match e {
                Expr::Binary(_, '+' | '-', _) => 1,
                Expr::Binary(..) => 2,
                _ => 3,
            }
        }
        match self {
            Expr::Number(n) => write!(f, "{n}"),
            Expr::Claim(id) => f.write_str(id),
            Expr::Neg(e) if prec(e) < 3 => write!(f, "-({e})"),
            Expr::Neg(e) => write!(f, "-{e}"),
            Expr::Binary(a, op, b) => {
                let p = prec(self);
                let wrap_b = prec(b) < p || (prec(b) == p && matches!(op, '-' | '/'));
                if prec(a) < p {
                    write!(f, "({a})")?;
                } else {
                    write!(f, "{a}")?;
                }
                write!(f, " {op} ")?;
                if wrap_b {
                    write!(f, "({b})")
                } else {
                    write!(f, "{b}")
                }
            }
        }
    }
}

/// How the two sides of a relation compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparison {
    /// Equal within the tolerance.
    #[serde(rename = "=")]
    Eq,
    /// Left at most right (plus the tolerance).
    #[serde(rename = "<=")]
    Le,
    /// Left at least right (minus the tolerance).
    #[serde(rename = ">=")]
    Ge,
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Comparison::Eq => "=",
            Comparison::Le => "<=",
            Comparison::Ge => ">=",
        })
    }
}

/// A declared arithmetic relation between claims.
#[derive(Debug, Clone)]
pub struct Relation {
    /// Unique id.
    pub id: String,
    /// What the relation says, for people.
    pub description: String,
    /// Left side.
    pub left: Expr,
    /// How the sides compare.
    pub comparison: Comparison,
    /// Right side.
    pub right: Expr,
    /// Relative tolerance (0.01 = 1% of the larger side).
    pub tolerance: f64,
    /// Absolute tolerance, in the unit of the sides.
    pub abs_tolerance: f64,
    /// Where it was declared.
    pub origin: Origin,
}

impl Relation {
    /// Every claim id the relation uses.
    pub fn claim_ids(&self) -> Vec<&str> {
        let mut ids = self.left.claim_ids();
        for id in self.right.claim_ids() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// The slack allowed between sides of these magnitudes.
    pub fn slack(&self, left: f64, right: f64) -> f64 {
        let scale = left.abs().max(right.abs());
        (self.tolerance * scale).max(self.abs_tolerance) + 1e-9 * scale
    }

    /// Evaluates the relation against `set`.
    pub fn check<'a>(&'a self, set: &'a ClaimSet) -> RelationOutcome<'a> {
        let mut erroneous: Vec<&Claim> = Vec::new();
        for id in self.claim_ids() {
            if let Some(c) = set.get(id).filter(|c| c.is_erroneous()) {
                erroneous.push(c);
            }
        }
        let value_of = |id: &str| set.get(id).map(|c| c.value.point());
        let units = match (
            additive_unit(&self.left, set),
            additive_unit(&self.right, set),
        ) {
            (Some(Err(e)), _) | (_, Some(Err(e))) => Err(e),
            (Some(Ok(l)), Some(Ok(r))) if l != r => Err(format!(
                "compares {l} with {r}: the two sides must be in the same unit"
            )),
            _ => Ok(()),
        };
        let sides = self
            .left
            .eval(&value_of)
            .and_then(|l| Ok((l, self.right.eval(&value_of)?)));
        let (left, right, error) = match sides {
            _ if !erroneous.is_empty() => (
                None,
                None,
                Some(format!(
                    "uses erroneous claim `{}`: an erroneous figure may not be used as true",
                    erroneous[0].id
                )),
            ),
            Ok(_) if units.is_err() => (None, None, units.err()),
            Ok((l, r)) => (Some(l), Some(r), None),
            Err(e) => (None, None, Some(e)),
        };
        let holds = match (left, right) {
            (Some(l), Some(r)) if l.is_finite() && r.is_finite() => {
                let slack = self.slack(l, r);
                match self.comparison {
                    Comparison::Eq => (l - r).abs() <= slack,
                    Comparison::Le => l <= r + slack,
                    Comparison::Ge => l + slack >= r,
                }
            }
            _ => false,
        };
        RelationOutcome {
            relation: self,
            left,
            right,
            holds,
            error,
        }
    }
}

/// The unit of a claim with names erased (GPU models, the year of money, what a multiple is
/// of), for checking that relations add and compare like with like.
fn dimension(u: &Unit) -> Unit {
    let base = match &u.base {
        BaseUnit::Money { currency, .. } => BaseUnit::Money {
            currency: *currency,
            year: None,
        },
        BaseUnit::GpuHours { .. } => BaseUnit::GpuHours { gpu: None },
        BaseUnit::Gpus { .. } => BaseUnit::Gpus { gpu: None },
        BaseUnit::Factor { .. } => BaseUnit::Factor { of: None },
        other => other.clone(),
    };
    Unit { base, per: u.per }
}

/// The unit of an expression made of claims, `+` and `-` (`None` when it has products,
/// quotients or only numbers: no unit algebra is attempted), or an error naming the units
/// of a sum that mixes them.
fn additive_unit(e: &Expr, set: &ClaimSet) -> Option<Result<Unit, String>> {
    match e {
        Expr::Number(_) => None,
        Expr::Claim(id) => set.get(id).map(|c| Ok(dimension(&c.unit))),
        Expr::Neg(e) => additive_unit(e, set),
        Expr::Binary(a, '+' | '-', b) => match (additive_unit(a, set), additive_unit(b, set)) {
            (Some(Err(e)), _) | (_, Some(Err(e))) => Some(Err(e)),
            (Some(Ok(x)), Some(Ok(y))) if x != y => {
                Some(Err(format!("adds {x} and {y}: a sum must be in one unit")))
            }
            (Some(Ok(x)), _) | (None, Some(Ok(x))) => Some(Ok(x)),
            (None, None) => None,
        },
        Expr::Binary(..) => None,
    }
}

/// The result of checking one relation.
#[derive(Debug, Clone)]
pub struct RelationOutcome<'a> {
    /// The relation checked.
    pub relation: &'a Relation,
    /// Value of the left side, if it could be computed.
    pub left: Option<f64>,
    /// Value of the right side, if it could be computed.
    pub right: Option<f64>,
    /// True if the relation holds within its tolerance.
    pub holds: bool,
    /// Why it could not be evaluated (unknown or erroneous claim, division by zero).
    pub error: Option<String>,
}

impl RelationOutcome<'_> {
    /// Relative difference between the sides, `|l - r| / max(|l|, |r|)`.
    pub fn relative_difference(&self) -> Option<f64> {
        let (l, r) = (self.left?, self.right?);
        let scale = l.abs().max(r.abs());
        Some(if scale == 0.0 {
            0.0
        } else {
            (l - r).abs() / scale
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_parentheses() {
        let v = |s: &str| Expr::parse(s).unwrap().eval(&|_| None).unwrap();
        assert_eq!(v("1 + 2 * 3"), 7.0);
        assert_eq!(v("(1 + 2) * 3"), 9.0);
        assert_eq!(v("10 - 4 - 3"), 3.0);
        assert_eq!(v("8 / 4 / 2"), 1.0);
        assert_eq!(v("-2 * 3"), -6.0);
        assert_eq!(v("2 × 1_000"), 2000.0);
        assert_eq!(v("1.5e3"), 1500.0);
    }

    #[test]
    fn ids_with_hyphens_and_minus_with_spaces() {
        let e = Expr::parse("a-b - c").unwrap();
        assert_eq!(e.claim_ids(), vec!["a-b", "c"]);
        let vals = |id: &str| match id {
            "a-b" => Some(10.0),
            "c" => Some(4.0),
            _ => None,
        };
        assert_eq!(e.eval(&vals).unwrap(), 6.0);
        assert!(
            Expr::parse("zz")
                .unwrap()
                .eval(&vals)
                .unwrap_err()
                .contains("`zz`")
        );
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "a + b * c",
            "(a + b) * c",
            "a - (b - c)",
            "a / (b * c)",
            "512 * (198 + 80) * 2",
        ] {
            let e = Expr::parse(s).unwrap();
            assert_eq!(e.to_string(), s);
            assert_eq!(Expr::parse(&e.to_string()).unwrap(), e);
        }
    }

    #[test]
    fn malformed_expressions_are_errors() {
        for s in ["", "1 +", "(1", "1 2", "a $ b", ")"] {
            assert!(Expr::parse(s).is_err(), "{s:?}");
        }
        assert!(Expr::parse("1 / 0").unwrap().eval(&|_| None).is_err());
    }
}
