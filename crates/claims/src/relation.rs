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
use crate::{BaseUnit, ClaimSet, Unit};

/// How deeply parentheses and unary minus signs may nest in an expression.
///
/// Evaluation, display and checks walk an expression recursively, one level per nesting:
/// the limit keeps their stack bounded (a chain of terms, `a + b + c ...`, is one level
/// whatever its length).
pub const MAX_EXPR_DEPTH: usize = 64;

/// An arithmetic expression over claim ids and numbers.
///
/// Claim ids contain hyphens, so a minus sign needs spaces around it: `a - b`. Parentheses
/// and unary minus nest at most [`MAX_EXPR_DEPTH`] levels.
///
/// ```
/// use traincost_claims::relation::Expr;
/// let e = Expr::parse("512 * (198 + 80) * 2").unwrap();
/// assert_eq!(e.eval(&|_| None).unwrap(), 284_672.0);
/// let f = Expr::parse("gpu-hours * price").unwrap();
/// assert_eq!(f.claim_ids(), vec!["gpu-hours", "price"]);
/// assert!(Expr::parse("1 +").is_err());
/// let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
/// assert!(Expr::parse(&deep).unwrap_err().contains("nested deeper than 64 levels"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number.
    Number(f64),
    /// The value of the claim with this id.
    Claim(String),
    /// Negation.
    Neg(Box<Expr>),
    /// Operands joined left to right by operators of one precedence: `+ -` (a sum) or
    /// `* /` (a product). `a - b + c` is `Chain(a, [('-', b), ('+', c)])`; a chain of any
    /// length is one level of nesting.
    Chain(Box<Expr>, Vec<(char, Expr)>),
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
                .map_err(|_| format!("`{}` is not a number", crate::excerpt(&text)))?;
            if !n.is_finite() {
                return Err(format!(
                    "`{}` is too large a number (beyond 1.8e308)",
                    crate::excerpt(&text)
                ));
            }
            out.push(Token::Num(n));
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '-') {
                i += 1;
            }
            // A trailing hyphen is a minus sign, not part of the id.
            while chars[i - 1] == '-' {
                i -= 1;
            }
            out.push(Token::Id(chars[start..i].iter().collect()));
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
    /// Parentheses and unary minus signs open around the current position.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    /// Operands joined by operators in `ops`, each operand parsed by `operand`; one operand
    /// alone is returned as itself. A chain (from parentheses) in first place is extended
    /// rather than nested, so `(a + b) + c` is `a + b + c`.
    fn chain(
        &mut self,
        ops: [char; 2],
        operand: fn(&mut Parser) -> Result<Expr, String>,
    ) -> Result<Expr, String> {
        let first = operand(self)?;
        let mut rest = Vec::new();
        while let Some(&Token::Op(op)) = self.peek() {
            if !ops.contains(&op) {
                break;
            }
            self.pos += 1;
            rest.push((op, operand(self)?));
        }
        Ok(match first {
            _ if rest.is_empty() => first,
            Expr::Chain(a, mut more) if more.first().is_some_and(|(o, _)| ops.contains(o)) => {
                more.extend(rest);
                Expr::Chain(a, more)
            }
            first => Expr::Chain(Box::new(first), rest),
        })
    }

    fn sum(&mut self) -> Result<Expr, String> {
        self.chain(['+', '-'], Parser::product)
    }

    fn product(&mut self) -> Result<Expr, String> {
        self.chain(['*', '/'], Parser::atom)
    }

    /// Enters one level of nesting (a parenthesis or a unary minus), refusing to go deeper
    /// than [`MAX_EXPR_DEPTH`].
    fn nest(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_EXPR_DEPTH {
            return Err(format!(
                "expression nested deeper than {MAX_EXPR_DEPTH} levels (parentheses and unary \
                 minus signs)"
            ));
        }
        Ok(())
    }

    fn atom(&mut self) -> Result<Expr, String> {
        let t = self.peek().cloned();
        self.pos += 1;
        match t {
            Some(Token::Num(n)) => Ok(Expr::Number(n)),
            Some(Token::Id(id)) => Ok(Expr::Claim(id)),
            Some(Token::Op('-')) => {
                self.nest()?;
                let e = Expr::Neg(Box::new(self.atom()?));
                self.depth -= 1;
                Ok(e)
            }
            Some(Token::Op('(')) => {
                self.nest()?;
                let e = self.sum()?;
                self.depth -= 1;
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
    /// Parses an expression: claim ids, numbers, `+ - * / ×` and parentheses (nested at most
    /// [`MAX_EXPR_DEPTH`] levels).
    pub fn parse(s: &str) -> Result<Expr, String> {
        let mut p = Parser {
            tokens: tokenize(s)?,
            pos: 0,
            depth: 0,
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
                    Token::Id(id) => format!("`{}`", crate::excerpt(id)),
                    Token::Op(c) => format!("`{c}`"),
                }
            )),
        }
    }

    /// The claim ids used, in order of appearance (with repeats removed).
    pub fn claim_ids(&self) -> Vec<&str> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        self.collect_ids(&mut out, &mut seen);
        out
    }

    fn collect_ids<'a>(
        &'a self,
        out: &mut Vec<&'a str>,
        seen: &mut std::collections::HashSet<&'a str>,
    ) {
        match self {
            Expr::Number(_) => {}
            Expr::Claim(id) => {
                if seen.insert(id) {
                    out.push(id);
                }
            }
            Expr::Neg(e) => e.collect_ids(out, seen),
            Expr::Chain(first, rest) => {
                first.collect_ids(out, seen);
                for (_, e) in rest {
                    e.collect_ids(out, seen);
                }
            }
        }
    }

    /// Evaluates, looking claim values up with `value_of` (an error names an unknown id).
    pub fn eval(&self, value_of: &dyn Fn(&str) -> Option<f64>) -> Result<f64, String> {
        Ok(match self {
            Expr::Number(n) => *n,
            Expr::Claim(id) => {
                value_of(id).ok_or_else(|| format!("unknown claim id `{}`", crate::excerpt(id)))?
            }
            Expr::Neg(e) => -e.eval(value_of)?,
            Expr::Chain(first, rest) => {
                let mut acc = first.eval(value_of)?;
                for (op, e) in rest {
                    let b = e.eval(value_of)?;
                    acc = match op {
                        '+' => acc + b,
                        '-' => acc - b,
                        '*' => acc * b,
                        _ if b == 0.0 => return Err("division by zero".into()),
                        _ => acc / b,
                    };
                }
                acc
            }
        })
    }

    /// Precedence for display: 1 for a sum, 2 for a product, 3 for an atom.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Chain(_, rest) if matches!(rest.first(), Some(('+' | '-', _))) => 1,
            Expr::Chain(..) => 2,
            _ => 3,
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Number(n) => write!(f, "{n}"),
            Expr::Claim(id) => f.write_str(id),
            Expr::Neg(e) if e.precedence() < 3 => write!(f, "-({e})"),
            Expr::Neg(e) => write!(f, "-{e}"),
            Expr::Chain(first, rest) => {
                let p = self.precedence();
                if first.precedence() < p {
                    write!(f, "({first})")?;
                } else {
                    write!(f, "{first}")?;
                }
                // A later operand of the same precedence was in parentheses: keep them.
                for (op, e) in rest {
                    if e.precedence() <= p {
                        write!(f, " {op} ({e})")?;
                    } else {
                        write!(f, " {op} {e}")?;
                    }
                }
                Ok(())
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

    /// Why the relation cannot be evaluated against `set`, with the side at fault (`left`
    /// or `right`): an erroneous or unknown claim, a division by zero, a side that is not a
    /// finite number, a sum of different units, or sides in different units. `None` if it
    /// can be: whether it then holds is [`Relation::check`]'s verdict. The loader refuses a
    /// file with such a relation, and `claims check` fails it, by this one rule.
    pub fn problem(&self, set: &ClaimSet) -> Option<(&'static str, String)> {
        let sides = [("left", &self.left), ("right", &self.right)];
        for (field, e) in sides {
            if let Some(c) = e
                .claim_ids()
                .into_iter()
                .find_map(|id| set.get(id).filter(|c| c.is_erroneous()))
            {
                return Some((
                    field,
                    format!(
                        "uses erroneous claim `{}`: an erroneous figure may not be used as true",
                        crate::excerpt(&c.id)
                    ),
                ));
            }
        }
        let value_of = |id: &str| set.get(id).map(|c| c.value.point());
        for (field, e) in sides {
            match e.eval(&value_of) {
                Err(msg) => return Some((field, msg)),
                Ok(v) if !v.is_finite() => {
                    return Some((field, format!("evaluates to {v}, not a finite number")));
                }
                Ok(_) => {}
            }
        }
        let mut units = Vec::new();
        for (field, e) in sides {
            match additive_unit(e, set) {
                Some(Err(msg)) => return Some((field, msg)),
                Some(Ok(u)) => units.push(u),
                None => {}
            }
        }
        match units.as_slice() {
            [l, r] if l != r => Some((
                "right",
                format!("compares {l} with {r}: the two sides must be in the same unit"),
            )),
            _ => None,
        }
    }

    /// Evaluates the relation against `set`.
    pub fn check<'a>(&'a self, set: &'a ClaimSet) -> RelationOutcome<'a> {
        let value_of = |id: &str| set.get(id).map(|c| c.value.point());
        let (left, right, error) = match self.problem(set) {
            Some((_, e)) => (None, None, Some(e)),
            None => match (self.left.eval(&value_of), self.right.eval(&value_of)) {
                (Ok(l), Ok(r)) => (Some(l), Some(r), None),
                (Err(e), _) | (_, Err(e)) => (None, None, Some(e)),
            },
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
        Expr::Chain(first, rest) if e.precedence() == 1 => {
            let mut unit: Option<Unit> = None;
            for term in std::iter::once(&**first).chain(rest.iter().map(|(_, t)| t)) {
                match (additive_unit(term, set), &unit) {
                    (Some(Err(e)), _) => return Some(Err(e)),
                    (Some(Ok(x)), Some(y)) if &x != y => {
                        return Some(Err(format!("adds {y} and {x}: a sum must be in one unit")));
                    }
                    (Some(Ok(x)), None) => unit = Some(x),
                    _ => {}
                }
            }
            unit.map(Ok)
        }
        Expr::Chain(..) => None,
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
            "a - (b - c) + d / (e * f) - -g",
            "(a - b) * (c + d)",
        ] {
            let e = Expr::parse(s).unwrap();
            assert_eq!(e.to_string(), s);
            assert_eq!(Expr::parse(&e.to_string()).unwrap(), e);
        }
    }

    /// Issue 15: 20,000 nested parentheses (or unary minus signs) overflowed the stack;
    /// nesting is now limited, with an error saying so.
    #[test]
    fn nesting_is_limited_not_a_stack_overflow() {
        let nested = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(
            Expr::parse(&nested(MAX_EXPR_DEPTH)).unwrap(),
            Expr::Number(1.0)
        );
        for s in [
            nested(MAX_EXPR_DEPTH + 1),
            nested(20_000),
            format!("{}1", "- ".repeat(20_000)),
            format!("{}1", "-(".repeat(10_000)),
        ] {
            let e = Expr::parse(&s).unwrap_err();
            assert_eq!(
                e,
                "expression nested deeper than 64 levels (parentheses and unary minus signs)"
            );
        }
        let unary = format!("{}2", "- ".repeat(MAX_EXPR_DEPTH));
        assert_eq!(Expr::parse(&unary).unwrap().eval(&|_| None).unwrap(), 2.0);
    }

    /// Issue 15: 30,000 flat terms built a 30,000-deep tree whose evaluation, display and
    /// drop overflowed the stack; a chain is now one level, walked by a loop.
    #[test]
    fn long_flat_chains_do_not_recurse() {
        let n = 30_000;
        let sum = vec!["1"; n].join(" + ");
        let e = Expr::parse(&sum).unwrap();
        assert_eq!(e.eval(&|_| None).unwrap(), n as f64);
        assert_eq!(e.to_string(), sum);
        let ids: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        let e = Expr::parse(&ids.join(" * ")).unwrap();
        assert_eq!(e.claim_ids().len(), n);
        assert_eq!(e.eval(&|_| Some(1.0)).unwrap(), 1.0);
        let mixed = Expr::parse(&vec!["2 * 3 - 1"; n].join(" + ")).unwrap();
        assert_eq!(mixed.eval(&|_| None).unwrap(), 5.0 * n as f64);
    }

    #[test]
    fn chains_evaluate_left_to_right_and_merge_parenthesized_heads() {
        let v = |s: &str| Expr::parse(s).unwrap().eval(&|_| None).unwrap();
        assert_eq!(v("10 - 4 + 3"), 9.0);
        assert_eq!(v("10 - (4 + 3)"), 3.0);
        assert_eq!(v("2 * 6 / 3 * 2"), 8.0);
        assert_eq!(v("-(2 + 3) * 2"), -10.0);
        assert_eq!(
            Expr::parse("(a + b) - c").unwrap(),
            Expr::parse("a + b - c").unwrap()
        );
        assert_eq!(Expr::parse("(a * b) + c").unwrap().to_string(), "a * b + c");
        assert_eq!(Expr::parse("-(a - b)").unwrap().to_string(), "-(a - b)");
        assert!(Expr::parse("1e999").unwrap_err().contains("too large"));
    }

    #[test]
    fn malformed_expressions_are_errors() {
        for s in ["", "1 +", "(1", "1 2", "a $ b", ")"] {
            assert!(Expr::parse(s).is_err(), "{s:?}");
        }
        assert!(Expr::parse("1 / 0").unwrap().eval(&|_| None).is_err());
    }
}
