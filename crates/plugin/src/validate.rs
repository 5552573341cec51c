//! Validation of plugin output: the checks a host runs on every manifest and response before
//! anything reaches the cost model. Plugin authors get the same checks in
//! [`crate::testing`].

use serde_json::Value;

use crate::catalog::{
    GPUS, ROLES, canonical_gpu, canonical_gpu_in, canonical_region, canonical_role, is_known_unit,
    suggest_regions,
};
use crate::payload::{
    Basis, DIST_KEYS, Dist, DollarYear, GpuDefinition, Kind, MANIFEST_SCHEMA, MIN_SCHEMA_VERSION,
    Manifest, Quantity, Query, QueryKind, QueryResult, RESPONSE_SCHEMA, Response, SCHEMA_VERSION,
    Source,
};

/// One problem in a plugin's output, located by a JSON path such as
/// `result.quotes[2].price.uniform[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the payload (empty for the whole payload).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// How many characters of a plugin's strings (ids, units, dates, keys) a problem quotes.
pub const EXCERPT_CHARS: usize = 80;

/// Most problems reported for one payload: a few say what is wrong, millions (one per number
/// of a 16 MiB list) would bury it and the host's memory.
pub const MAX_PROBLEMS: usize = 20;

/// A plugin's string as a problem quotes it: at most [`EXCERPT_CHARS`] characters, then how
/// many were left out.
pub fn excerpt(s: &str) -> std::borrow::Cow<'_, str> {
    clip(s, EXCERPT_CHARS)
}

/// `s` cut after `n` characters, saying how many more there were.
pub(crate) fn clip(s: &str, n: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(n) {
        None => std::borrow::Cow::Borrowed(s),
        Some((cut, _)) => {
            let more = s[cut..].chars().count();
            std::borrow::Cow::Owned(format!("{}... ({more} more characters)", &s[..cut]))
        }
    }
}

/// A serde message with every quoted part (`unknown variant `...``, `invalid type: string
/// "..."`) cut short, and the whole at most 1,000 characters.
fn excerpt_quotes(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    let mut rest = message;
    while let Some(k) = rest.find(['`', '"']) {
        let (part, tail) = rest.split_at(k);
        out.push_str(&if quoted { excerpt(part) } else { part.into() });
        out.push_str(&tail[..1]);
        rest = &tail[1..];
        quoted = !quoted;
    }
    out.push_str(&if quoted { excerpt(rest) } else { rest.into() });
    clip(&out, 1_000).into_owned()
}

/// At most [`MAX_PROBLEMS`] problems, the last saying how many more there were.
fn bounded(mut problems: Vec<Problem>, more: usize) -> Vec<Problem> {
    let extra = more + problems.len().saturating_sub(MAX_PROBLEMS);
    if extra > 0 {
        problems.truncate(MAX_PROBLEMS);
        problems.push(Problem::new(
            "",
            format!("and {extra} more problems (the first {MAX_PROBLEMS} are listed)"),
        ));
    }
    problems
}

/// Parses JSON bytes, explaining the usual ways plugins get JSON wrong.
fn parse_json(bytes: &[u8]) -> Result<Value, Problem> {
    serde_json::from_slice::<Value>(bytes).map_err(|e| {
        let text = String::from_utf8_lossy(bytes);
        let lower = text.to_ascii_lowercase();
        let hint = if lower.contains("nan") || lower.contains("inf") {
            " (NaN and infinity have no JSON form: return finite numbers)"
        } else if bytes.is_empty() {
            " (the plugin wrote nothing to the sink)"
        } else {
            ""
        };
        Problem::new(
            "",
            format!("malformed JSON: {e}{hint}; the payload starts {:?}", {
                let mut s: String = text.chars().take(60).collect();
                if text.chars().count() > 60 {
                    s.push('…');
                }
                s
            }),
        )
    })
}

/// Nulls where a distribution needs numbers: what serde_json makes of NaN and infinity. Past
/// [`MAX_PROBLEMS`], counts them in `more` instead.
fn find_nulls(v: &Value, path: &str, out: &mut Vec<Problem>, more: &mut usize) {
    match v {
        Value::Object(map) => {
            let is_quantity = map.contains_key("unit");
            for (k, child) in map {
                let p = join(path, &excerpt(k));
                if is_quantity && DIST_KEYS.contains(&k.as_str()) {
                    let nulls: Vec<String> = match child {
                        Value::Null => vec![p.clone()],
                        Value::Array(items) => items
                            .iter()
                            .enumerate()
                            .filter(|(_, x)| x.is_null())
                            .map(|(i, _)| format!("{p}[{i}]"))
                            .collect(),
                        _ => vec![],
                    };
                    for n in nulls {
                        if out.len() >= MAX_PROBLEMS {
                            *more += 1;
                            continue;
                        }
                        out.push(Problem::new(
                            n,
                            "null where a finite number is required: NaN or infinity? \
                             (serde_json writes NaN and infinity as null)",
                        ));
                    }
                } else {
                    find_nulls(child, &p, out, more);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_nulls(child, &format!("{path}[{i}]"), out, more);
            }
        }
        _ => {}
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn check_envelope(v: &Value, expected_schema: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    match v.get("schema").and_then(Value::as_str) {
        Some(s) if s == expected_schema => {}
        Some(s) => out.push(Problem::new(
            "schema",
            format!("is {:?}, expected {expected_schema:?}", excerpt(s)),
        )),
        None => out.push(Problem::new(
            "schema",
            format!("missing: expected {expected_schema:?}"),
        )),
    }
    match v.get("schema_version").and_then(Value::as_u64) {
        Some(n) if (MIN_SCHEMA_VERSION as u64..=SCHEMA_VERSION as u64).contains(&n) => {}
        Some(n) => out.push(Problem::new(
            "schema_version",
            format!(
                "the plugin speaks payload schema {n}; this traincost understands \
                 {MIN_SCHEMA_VERSION}..={SCHEMA_VERSION} (upgrade traincost, or use a plugin \
                 built for schema {SCHEMA_VERSION})"
            ),
        )),
        None => out.push(Problem::new("schema_version", "missing or not an integer")),
    }
    out
}

/// Parses and validates a manifest written by `describe`.
pub fn parse_manifest(bytes: &[u8], name: &str, kind: Kind) -> Result<Manifest, Vec<Problem>> {
    let value = parse_json(bytes).map_err(|p| vec![p])?;
    let mut problems = check_envelope(&value, MANIFEST_SCHEMA);
    if !problems.is_empty() {
        return Err(problems);
    }
    let manifest: Manifest = serde_json::from_value(value).map_err(|e| {
        vec![Problem::new(
            "",
            format!("not a v1 manifest: {}", excerpt_quotes(&e.to_string())),
        )]
    })?;
    if manifest.name != name {
        problems.push(Problem::new(
            "name",
            format!(
                "is {:?} but the descriptor says {name:?}",
                excerpt(&manifest.name)
            ),
        ));
    }
    if manifest.kind != kind {
        problems.push(Problem::new(
            "kind",
            format!("is {} but the descriptor says {kind}", manifest.kind),
        ));
    }
    for (i, q) in manifest.queries.iter().enumerate() {
        if q.plugin_kind() != kind {
            problems.push(Problem::new(
                format!("queries[{i}]"),
                format!("a {kind} plugin cannot answer {q}"),
            ));
        }
    }
    check_definitions(&manifest, &mut problems);
    for (i, g) in manifest.gpus.iter().enumerate() {
        if canonical_gpu_in(g, &manifest.gpu_definitions) != Some(g.as_str()) {
            problems.push(unknown_gpu(
                &format!("gpus[{i}]"),
                g,
                &manifest.gpu_definitions,
            ));
        }
    }
    for (i, r) in manifest.roles.iter().enumerate() {
        if canonical_role(r) != Some(r.as_str()) {
            problems.push(unknown_role(&format!("roles[{i}]"), r));
        }
    }
    for (i, r) in manifest.regions.iter().enumerate() {
        if canonical_region(r) != Some(r.as_str()) {
            problems.push(unknown_region(&format!("regions[{i}]"), r));
        }
    }
    if manifest.queries.contains(&QueryKind::GridIntensity) && manifest.regions.is_empty() {
        problems.push(Problem::new(
            "regions",
            "is empty: a grid plugin lists the regions it answers (`traincost plugins check` \
             asks each of them for every year of `years`)",
        ));
    }
    if let Some([a, b]) = manifest.years
        && a > b
    {
        problems.push(Problem::new("years", format!("[{a}, {b}] is not a range")));
    }
    if let Some([a, b]) = manifest.years
        && kind == Kind::Grid
        && (!(1900..=2100).contains(&a) || !(1900..=2100).contains(&b) || b - a > 200)
    {
        problems.push(Problem::new(
            "years",
            format!("[{a}, {b}] is not a range of plausible years (1900 to 2100)"),
        ));
    }
    if problems.is_empty() {
        let mut manifest = manifest;
        for d in &manifest.gpu_definitions {
            if !manifest.gpus.contains(&d.id) {
                manifest.gpus.push(d.id.clone());
            }
        }
        Ok(manifest)
    } else {
        Err(bounded(problems, 0))
    }
}

/// Longest id or alias of a GPU a plugin defines.
pub const MAX_GPU_NAME_CHARS: usize = 64;

/// The rules for a plugin's [`GpuDefinition`]s: a pricing plugin that answers `gpu_spec`,
/// well-formed names, none naming a catalog GPU, no name shared by two definitions.
fn check_definitions(manifest: &Manifest, out: &mut Vec<Problem>) {
    let defs = &manifest.gpu_definitions;
    if defs.is_empty() {
        return;
    }
    if manifest.kind != Kind::Pricing {
        out.push(Problem::new(
            "gpu_definitions",
            "only a pricing plugin defines GPUs (it answers `gpu_spec` for them)",
        ));
        return;
    }
    if !manifest.queries.contains(&QueryKind::GpuSpec) {
        out.push(Problem::new(
            "gpu_definitions",
            "a plugin that defines GPUs answers `gpu_spec` for them: add \"gpu_spec\" to \
             `queries`",
        ));
    }
    let mut seen: Vec<(String, usize, &str)> = Vec::new();
    for (i, d) in defs.iter().enumerate() {
        let names = std::iter::once((format!("gpu_definitions[{i}].id"), d.id.as_str())).chain(
            d.aliases
                .iter()
                .enumerate()
                .map(move |(j, a)| (format!("gpu_definitions[{i}].aliases[{j}]"), a.as_str())),
        );
        for (path, name) in names {
            let ok_chars = name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'));
            let squashed = squash_name(name);
            if squashed.is_empty() || !ok_chars || name.chars().count() > MAX_GPU_NAME_CHARS {
                out.push(Problem::new(
                    path,
                    format!(
                        "{:?} is not a GPU name: 1 to {MAX_GPU_NAME_CHARS} ASCII letters, \
                         digits, spaces, `-`, `_` or `.`, not only separators",
                        excerpt(name)
                    ),
                ));
                continue;
            }
            if let Some(id) = canonical_gpu(name) {
                out.push(Problem::new(
                    path,
                    format!(
                        "{:?} names {id:?}, a GPU of traincost's catalog: a plugin defines only \
                         GPUs the catalog lacks. To give figures for {id:?}, list it in `gpus` \
                         and answer `gpu_spec` for it; for another chip, choose a name of its \
                         own",
                        excerpt(name)
                    ),
                ));
                continue;
            }
            // A name repeated within one definition is redundant; across two, ambiguous.
            if let Some((_, _, other)) = seen.iter().find(|(k, j, _)| *k == squashed && *j != i) {
                out.push(Problem::new(
                    path,
                    format!(
                        "{:?} is already defined (as {:?}): each name means one GPU",
                        excerpt(name),
                        excerpt(other)
                    ),
                ));
                continue;
            }
            seen.push((squashed, i, name));
        }
    }
}

/// A GPU name as [`crate::catalog`] compares names: case, spaces, `-` and `_` ignored.
fn squash_name(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn unknown_gpu(path: &str, gpu: &str, defined: &[GpuDefinition]) -> Problem {
    let hint = match canonical_gpu_in(gpu, defined) {
        Some(id) => format!("write the canonical id {id:?}"),
        None => {
            // The plugin's own ids, quoted short and at most a few: a manifest may define
            // thousands, each as long as it likes.
            const LISTED: usize = 8;
            let mut known: Vec<String> = GPUS.iter().map(|g| g.id.to_owned()).collect();
            known.extend(
                defined
                    .iter()
                    .take(LISTED)
                    .map(|d| excerpt(&d.id).into_owned()),
            );
            if defined.len() > LISTED {
                known.push(format!("and {} more it defines", defined.len() - LISTED));
            }
            format!(
                "known GPUs: {}; a pricing plugin may define a GPU the catalog lacks in its \
                 manifest's `gpu_definitions`",
                known.join(", ")
            )
        }
    };
    Problem::new(path, format!("unknown GPU {:?}; {hint}", excerpt(gpu)))
}

fn unknown_role(path: &str, role: &str) -> Problem {
    let hint = match canonical_role(role) {
        Some(id) => format!("write the canonical id {id:?}"),
        None => format!(
            "known roles: {}",
            ROLES.iter().map(|r| r.0).collect::<Vec<_>>().join(", ")
        ),
    };
    Problem::new(path, format!("unknown role {:?}; {hint}", excerpt(role)))
}

/// A result field that is not what the query asked for.
fn not_asked(path: impl Into<String>, got: String, asked: String) -> Problem {
    Problem::new(path, format!("is {got} but the query asked for {asked}"))
}

/// An unknown region id, with the canonical id if it is only misspelt, else the closest ids.
pub fn unknown_region(path: &str, region: &str) -> Problem {
    let hint = match canonical_region(region) {
        Some(id) => format!("write the canonical id {id:?}"),
        None => {
            let close = suggest_regions(region);
            if close.is_empty() {
                "region ids are ISO 3166-1 countries (\"FR\"), ISO 3166-2 subdivisions \
                 (\"US-IA\") or groups (\"EU27\", \"WORLD\"): see \
                 traincost_plugin::catalog::REGIONS"
                    .to_owned()
            } else {
                format!("did you mean {}?", close.join(", "))
            }
        }
    };
    Problem::new(
        path,
        format!("unknown region {:?}; {hint}", excerpt(region)),
    )
}

/// Parses and validates the response to `query`, for a plugin that defines no GPUs.
pub fn parse_response(bytes: &[u8], query: &Query) -> Result<Response, Vec<Problem>> {
    parse_response_with(bytes, query, &[])
}

/// Parses and validates the response to `query` of a plugin whose manifest defines `defined`
/// GPUs (which its answers may name besides the catalog's).
pub fn parse_response_with(
    bytes: &[u8],
    query: &Query,
    defined: &[GpuDefinition],
) -> Result<Response, Vec<Problem>> {
    let value = parse_json(bytes).map_err(|p| vec![p])?;
    let mut problems = check_envelope(&value, RESPONSE_SCHEMA);
    let mut more = 0;
    find_nulls(&value, "", &mut problems, &mut more);
    if !problems.is_empty() {
        return Err(bounded(problems, more));
    }
    let response: Response = serde_json::from_value(value).map_err(|e| {
        vec![Problem::new(
            "",
            format!("not a v1 response: {}", excerpt_quotes(&e.to_string())),
        )]
    })?;
    let problems = validate_response_with(query, &response, defined);
    if problems.is_empty() {
        Ok(response)
    } else {
        Err(bounded(problems, 0))
    }
}

/// Every quantity of a result with its JSON path.
pub fn quantities(result: &QueryResult) -> Vec<(String, &Quantity)> {
    let mut out = Vec::new();
    match result {
        QueryResult::GpuSpec(s) => {
            out.push(("result.peak_bf16_flops".to_owned(), &s.peak_bf16_flops));
            out.push(("result.tdp".to_owned(), &s.tdp));
        }
        QueryResult::PurchasePrice(p) => {
            for (i, q) in p.quotes.iter().enumerate() {
                out.push((format!("result.quotes[{i}].price"), &q.price));
            }
        }
        QueryResult::RentalPrice(p) => {
            for (i, q) in p.quotes.iter().enumerate() {
                out.push((format!("result.quotes[{i}].price"), &q.price));
            }
        }
        QueryResult::Compensation(c) => {
            out.push(("result.annual_pay".to_owned(), &c.annual_pay));
            out.push(("result.loaded_usd".to_owned(), &c.loaded_usd));
            for (i, n) in c.components.iter().enumerate() {
                out.push((format!("result.components[{i}].quantity"), &n.quantity));
            }
        }
        QueryResult::GridIntensity(g) => {
            out.push(("result.intensity".to_owned(), &g.intensity));
        }
    }
    out
}

/// Semantic checks of a response to `query`: kind, GPU or role, units, numbers, provenance.
pub fn validate_response(query: &Query, response: &Response) -> Vec<Problem> {
    validate_response_with(query, response, &[])
}

/// [`validate_response`] for a plugin whose manifest defines `defined` GPUs.
pub fn validate_response_with(
    query: &Query,
    response: &Response,
    defined: &[GpuDefinition],
) -> Vec<Problem> {
    let mut out = Vec::new();
    if response.result.kind() != query.kind() {
        out.push(Problem::new(
            "result.kind",
            format!(
                "answers {} but the query was {}",
                response.result.kind(),
                query.kind()
            ),
        ));
        return out;
    }
    let expected_gpu = match query {
        Query::GpuSpec { gpu } | Query::PurchasePrice { gpu } | Query::RentalPrice { gpu, .. } => {
            canonical_gpu_in(gpu, defined)
        }
        Query::Compensation { .. } | Query::GridIntensity { .. } => None,
    };
    let check_gpu = |gpu: &str, out: &mut Vec<Problem>| {
        if canonical_gpu_in(gpu, defined) != Some(gpu) {
            out.push(unknown_gpu("result.gpu", gpu, defined));
        } else if expected_gpu.is_some_and(|e| e != gpu) {
            out.push(not_asked(
                "result.gpu",
                format!("{:?}", excerpt(gpu)),
                format!("{:?}", expected_gpu.unwrap_or_default()),
            ));
        }
    };
    match &response.result {
        QueryResult::GpuSpec(s) => {
            check_gpu(&s.gpu, &mut out);
            if let Some(d) = &s.release_date {
                check_date("result.release_date", d, &mut out);
            }
            check_quantity(
                "result.peak_bf16_flops",
                &s.peak_bf16_flops,
                &["FLOP/s"],
                &mut out,
            );
            check_quantity("result.tdp", &s.tdp, &["W"], &mut out);
        }
        QueryResult::PurchasePrice(p) => {
            check_gpu(&p.gpu, &mut out);
            if p.quotes.is_empty() {
                out.push(Problem::new(
                    "result.quotes",
                    "is empty (return an error with code `no_data` instead)",
                ));
            }
            for (i, q) in p.quotes.iter().enumerate() {
                check_date(&format!("result.quotes[{i}].date"), &q.date, &mut out);
                check_quantity(
                    &format!("result.quotes[{i}].price"),
                    &q.price,
                    &any_currency("USD/GPU"),
                    &mut out,
                );
            }
        }
        QueryResult::RentalPrice(p) => {
            check_gpu(&p.gpu, &mut out);
            if p.quotes.is_empty() {
                out.push(Problem::new(
                    "result.quotes",
                    "is empty (return an error with code `no_data` instead)",
                ));
            }
            let (want_provider, want_commitment) = match query {
                Query::RentalPrice {
                    provider,
                    commitment,
                    ..
                } => (provider.as_deref(), *commitment),
                _ => (None, None),
            };
            for (i, q) in p.quotes.iter().enumerate() {
                let path = format!("result.quotes[{i}]");
                if q.provider.trim().is_empty() {
                    out.push(Problem::new(format!("{path}.provider"), "is empty"));
                }
                if let Some(w) = want_provider
                    && !q.provider.eq_ignore_ascii_case(w)
                {
                    out.push(not_asked(
                        format!("{path}.provider"),
                        format!("{:?}", excerpt(&q.provider)),
                        format!("{:?}", excerpt(w)),
                    ));
                }
                if let Some(c) = want_commitment
                    && q.commitment != c
                {
                    out.push(not_asked(
                        format!("{path}.commitment"),
                        q.commitment.as_str().to_owned(),
                        c.as_str().to_owned(),
                    ));
                }
                check_date(&format!("{path}.date"), &q.date, &mut out);
                check_quantity(
                    &format!("{path}.price"),
                    &q.price,
                    &any_currency("USD/GPU-hour"),
                    &mut out,
                );
            }
        }
        QueryResult::Compensation(c) => {
            match canonical_role(&c.role) {
                Some(id) if id == c.role => {
                    if let Query::Compensation { role, year } = query {
                        if canonical_role(role) != Some(id) {
                            out.push(not_asked(
                                "result.role",
                                format!("{:?}", excerpt(&c.role)),
                                format!("{:?}", excerpt(role)),
                            ));
                        }
                        if *year != c.year {
                            out.push(not_asked(
                                "result.year",
                                c.year.to_string(),
                                year.to_string(),
                            ));
                        }
                    }
                }
                _ => out.push(unknown_role("result.role", &c.role)),
            }
            check_quantity(
                "result.annual_pay",
                &c.annual_pay,
                &any_currency("USD/year"),
                &mut out,
            );
            check_quantity(
                "result.loaded_usd",
                &c.loaded_usd,
                &any_currency("USD/year"),
                &mut out,
            );
            for (i, n) in c.components.iter().enumerate() {
                check_quantity(
                    &format!("result.components[{i}].quantity"),
                    &n.quantity,
                    &[],
                    &mut out,
                );
            }
        }
        QueryResult::GridIntensity(g) => check_grid_intensity(query, g, &mut out),
    }
    out
}

/// The checks of a grid intensity: the region, year and basis asked, a plausible data year,
/// and the intensity in `gCO2e/kWh` within its bounds.
fn check_grid_intensity(query: &Query, g: &crate::payload::GridIntensity, out: &mut Vec<Problem>) {
    match canonical_region(&g.region) {
        Some(id) if id == g.region => {
            if let Query::GridIntensity {
                region,
                year,
                basis,
            } = query
            {
                if canonical_region(region) != Some(id) {
                    out.push(not_asked(
                        "result.region",
                        format!("{:?}", excerpt(&g.region)),
                        format!("{:?}", excerpt(region)),
                    ));
                }
                if *year != g.year {
                    out.push(not_asked(
                        "result.year",
                        g.year.to_string(),
                        year.to_string(),
                    ));
                }
                if *basis != g.basis {
                    out.push(not_asked(
                        "result.basis",
                        g.basis.to_string(),
                        basis.to_string(),
                    ));
                }
            }
        }
        _ => out.push(unknown_region("result.region", &g.region)),
    }
    if !(1900..=2100).contains(&g.data_year) {
        out.push(Problem::new(
            "result.data_year",
            format!(
                "{} is not a plausible year (the year the figure is for)",
                g.data_year
            ),
        ));
    }
    check_quantity("result.intensity", &g.intensity, &["gCO2e/kWh"], out);
}

/// `usd_unit` in every currency a payload may use, as `check_quantity` takes them.
fn any_currency(usd_unit: &str) -> Vec<&'static str> {
    crate::catalog::in_any_currency(usd_unit)
        .iter()
        .filter_map(|u| {
            crate::catalog::UNITS
                .iter()
                .find(|k| **k == u.as_str())
                .copied()
        })
        .collect()
}

fn check_date(path: &str, date: &str, out: &mut Vec<Problem>) {
    let parts: Vec<&str> = date.split('-').collect();
    let ok = !parts.is_empty()
        && parts.len() <= 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1..].iter().all(|p| p.len() == 2)
        && parts.get(1).is_none_or(|m| ("01"..="12").contains(m))
        && parts.get(2).is_none_or(|d| ("01"..="31").contains(d));
    if !ok {
        out.push(Problem::new(
            path,
            format!(
                "date {:?} is not YYYY, YYYY-MM or YYYY-MM-DD",
                excerpt(date)
            ),
        ));
    }
}

/// The physical range of a plugin's numbers in one unit: finite is not enough (a price of
/// 1e308 is finite and turns every estimate into infinity).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The unit.
    pub unit: &'static str,
    /// Smallest plausible value.
    pub min: f64,
    /// Largest plausible value.
    pub max: f64,
    /// What a number in this unit is, for messages.
    pub what: &'static str,
}

/// The bounds every number of a plugin's quantity must lie in, by unit (docs/PLUGINS.md lists
/// them). Each is far beyond any real figure, so only nonsense is refused.
#[rustfmt::skip]
pub const BOUNDS: &[Bound] = &[
    Bound { unit: "USD/GPU-hour", min: 0.0, max: 1e3, what: "a price per GPU-hour" },
    Bound { unit: "USD/GPU", min: 0.0, max: 1e7, what: "a price per GPU" },
    Bound { unit: "CNY/GPU", min: 0.0, max: 1e8, what: "a price per GPU" },
    Bound { unit: "USD/year", min: 0.0, max: 1e9, what: "a salary or yearly cost" },
    Bound { unit: "CNY/year", min: 0.0, max: 1e10, what: "a salary or yearly cost" },
    Bound { unit: "USD/month", min: 0.0, max: 1e8, what: "a monthly salary or cost" },
    Bound { unit: "CNY/month", min: 0.0, max: 1e9, what: "a monthly salary or cost" },
    Bound { unit: "USD/kWh", min: 0.0, max: 10.0, what: "an electricity price" },
    Bound { unit: "USD", min: 0.0, max: 1e13, what: "an amount of money" },
    Bound { unit: "CNY", min: 0.0, max: 1e14, what: "an amount of money" },
    Bound { unit: "CNY/USD", min: 0.0, max: 100.0, what: "an exchange rate" },
    // Other currencies: the USD bounds times a generous margin over the rate (a euro or a
    // pound is worth about a dollar; a dollar buys 100-160 yen, a yuan 6-7.5).
    Bound { unit: "CNY/GPU-hour", min: 0.0, max: 1e4, what: "a price per GPU-hour" },
    Bound { unit: "EUR/GPU-hour", min: 0.0, max: 1e3, what: "a price per GPU-hour" },
    Bound { unit: "EUR/GPU", min: 0.0, max: 1e7, what: "a price per GPU" },
    Bound { unit: "EUR/year", min: 0.0, max: 1e9, what: "a salary or yearly cost" },
    Bound { unit: "EUR/month", min: 0.0, max: 1e8, what: "a monthly salary or cost" },
    Bound { unit: "EUR", min: 0.0, max: 1e13, what: "an amount of money" },
    Bound { unit: "GBP/GPU-hour", min: 0.0, max: 1e3, what: "a price per GPU-hour" },
    Bound { unit: "GBP/GPU", min: 0.0, max: 1e7, what: "a price per GPU" },
    Bound { unit: "GBP/year", min: 0.0, max: 1e9, what: "a salary or yearly cost" },
    Bound { unit: "GBP/month", min: 0.0, max: 1e8, what: "a monthly salary or cost" },
    Bound { unit: "GBP", min: 0.0, max: 1e13, what: "an amount of money" },
    Bound { unit: "JPY/GPU-hour", min: 0.0, max: 2e5, what: "a price per GPU-hour" },
    Bound { unit: "JPY/GPU", min: 0.0, max: 2e9, what: "a price per GPU" },
    Bound { unit: "JPY/year", min: 0.0, max: 2e11, what: "a salary or yearly cost" },
    Bound { unit: "JPY/month", min: 0.0, max: 2e10, what: "a monthly salary or cost" },
    Bound { unit: "JPY", min: 0.0, max: 2e15, what: "an amount of money" },
    Bound { unit: "W", min: 1.0, max: 5e4, what: "a TDP" },
    Bound { unit: "FLOP/s", min: 1e9, max: 1e17, what: "a peak FLOP/s" },
    Bound { unit: "months/year", min: 0.0, max: 24.0, what: "months of pay per year" },
    Bound { unit: "1", min: 0.0, max: 1e3, what: "a ratio or multiplier" },
    // The dirtiest grids (lignite, oil) emit about 1,000-1,200 g per kWh generated.
    Bound { unit: "gCO2e/kWh", min: 0.0, max: 2e3, what: "a grid carbon intensity" },
];

/// True if number `i` of `d` is a spread (a normal's standard deviation), not a value.
fn is_spread(d: &Dist, i: usize) -> bool {
    matches!(d, Dist::Normal { .. }) && i == 1
}

/// The bound of numbers in `unit`, if it is a known unit.
pub fn bound(unit: &str) -> Option<&'static Bound> {
    BOUNDS.iter().find(|b| b.unit == unit)
}

/// Checks one quantity: known unit (one of `expected`, if not empty), finite non-negative
/// numbers within the unit's physical [`BOUNDS`], a well-formed distribution, a dollar year on
/// money, and provenance.
pub fn check_quantity(path: &str, q: &Quantity, expected: &[&str], out: &mut Vec<Problem>) {
    if !is_known_unit(&q.unit) {
        out.push(Problem::new(
            format!("{path}.unit"),
            format!(
                "unknown unit {:?}; known units: {}",
                excerpt(&q.unit),
                crate::catalog::UNITS.join(", ")
            ),
        ));
    } else if !expected.is_empty() && !expected.contains(&q.unit.as_str()) {
        out.push(Problem::new(
            format!("{path}.unit"),
            format!(
                "is {:?} where {} is expected",
                excerpt(&q.unit),
                expected.join(" or ")
            ),
        ));
    }
    let key = q.dist.key();
    let nums = q.dist.numbers();
    let mut numbers_ok = true;
    // Problems with the numbers, the first few of them listed (a list of millions is bad
    // in every number: say so once).
    let mut bad = 0usize;
    const LISTED: usize = 5;
    for (i, x) in nums.iter().enumerate() {
        if !numbers_ok && bad >= LISTED {
            let b = bound(&q.unit);
            let ok = x.is_finite()
                && *x >= 0.0
                && b.is_none_or(|b| {
                    ((if is_spread(&q.dist, i) { 0.0 } else { b.min })..=b.max).contains(x)
                });
            bad += usize::from(!ok);
            continue;
        }
        let p = if matches!(q.dist, Dist::Point(_)) {
            format!("{path}.{key}")
        } else {
            format!("{path}.{key}[{i}]")
        };
        if !x.is_finite() {
            out.push(Problem::new(p, format!("{x} is not a finite number")));
            numbers_ok = false;
            bad += 1;
        } else if *x < 0.0 {
            out.push(Problem::new(
                p,
                format!("{x} is negative; prices, specs and pay are never negative"),
            ));
            numbers_ok = false;
            bad += 1;
        } else if let Some(b) = bound(&q.unit)
            // A normal's standard deviation is a spread, not a value: only the cap applies.
            && !((if is_spread(&q.dist, i) { 0.0 } else { b.min })..=b.max).contains(x)
        {
            let side = if *x > b.max {
                format!("at most {:e}", b.max)
            } else {
                format!("at least {:e}", b.min)
            };
            out.push(Problem::new(
                p,
                format!(
                    "{x:e} {} is not physical for {} ({side} {}; docs/PLUGINS.md lists the \
                     bounds)",
                    q.unit, b.what, q.unit
                ),
            ));
            numbers_ok = false;
            bad += 1;
        }
    }
    if bad > LISTED {
        out.push(Problem::new(
            format!("{path}.{key}"),
            format!(
                "and {} more of its {} numbers are out of bounds",
                bad - LISTED,
                nums.len()
            ),
        ));
    }
    if numbers_ok {
        let shape = match &q.dist {
            Dist::Uniform { lo, hi } if lo > hi => Some("needs lo <= hi"),
            Dist::Triangular { min, mode, max } | Dist::Pert { min, mode, max }
                if !(min <= mode && mode <= max) =>
            {
                Some("needs min <= mode <= max")
            }
            Dist::Pert { min, max, .. } if min == max => Some("needs min < max"),
            Dist::Lognormal { p5, p95 } if !(*p5 > 0.0 && p5 <= p95) => Some("needs 0 < p5 <= p95"),
            Dist::Samples(s) if s.is_empty() => Some("needs at least one sample"),
            _ => None,
        };
        if let Some(msg) = shape {
            out.push(Problem::new(format!("{path}.{key}"), msg));
        }
    }
    let is_money = crate::catalog::is_money_unit(&q.unit);
    match &q.dollar_year {
        None if is_money => out.push(Problem::new(
            format!("{path}.dollar_year"),
            "money needs a dollar year (e.g. 2024 or \"2023-12\")",
        )),
        Some(DollarYear::Year(y)) if !(1900..=2100).contains(y) => out.push(Problem::new(
            format!("{path}.dollar_year"),
            format!("{y} is not a plausible year"),
        )),
        Some(DollarYear::Month(m)) => {
            let mut inner = Vec::new();
            check_date("", m, &mut inner);
            if !inner.is_empty() || m.len() != 7 {
                out.push(Problem::new(
                    format!("{path}.dollar_year"),
                    format!("{:?} is not YYYY-MM", excerpt(m)),
                ));
            }
        }
        _ => {}
    }
    match &q.source {
        Source::Claim(id) => {
            if !is_claim_id(id) {
                out.push(Problem::new(
                    format!("{path}.claim"),
                    format!("{:?} is not a kebab-case claim id", excerpt(id)),
                ));
            }
        }
        Source::Assumption(a) => {
            if a.trim().is_empty() || a.contains('\n') {
                out.push(Problem::new(
                    format!("{path}.assumption"),
                    "must be a one-line, non-empty reason",
                ));
            }
        }
    }
    for (i, id) in q.cites.iter().enumerate() {
        if !is_claim_id(id) {
            out.push(Problem::new(
                format!("{path}.claims[{i}]"),
                format!("{:?} is not a kebab-case claim id", excerpt(id)),
            ));
        }
    }
}

fn is_claim_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Every claim id a quantity cites (its `claim`, or the `claims` of its assumption), with the
/// JSON path of each.
pub fn claim_refs(path: &str, q: &Quantity) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Source::Claim(id) = &q.source {
        out.push((format!("{path}.claim"), id.clone()));
    }
    for (i, id) in q.cites.iter().enumerate() {
        out.push((format!("{path}.claims[{i}]"), id.clone()));
    }
    out
}

/// The queries a manifest invites: every query for every GPU (with every provider) or role
/// (in the last year it covers). What `traincost plugins check` exercises.
pub fn exercise_queries(manifest: &Manifest) -> Vec<Query> {
    let mut out = Vec::new();
    for q in &manifest.queries {
        match q {
            QueryKind::GpuSpec => out.extend(
                manifest
                    .gpus
                    .iter()
                    .map(|g| Query::GpuSpec { gpu: g.clone() }),
            ),
            QueryKind::PurchasePrice => out.extend(
                manifest
                    .gpus
                    .iter()
                    .map(|g| Query::PurchasePrice { gpu: g.clone() }),
            ),
            QueryKind::RentalPrice => {
                out.extend(manifest.gpus.iter().map(|g| Query::RentalPrice {
                    gpu: g.clone(),
                    provider: None,
                    commitment: None,
                }))
            }
            QueryKind::Compensation => {
                let years = match manifest.years {
                    Some([a, b]) => vec![a, b],
                    None => vec![2024],
                };
                for r in &manifest.roles {
                    for y in &years {
                        out.push(Query::Compensation {
                            role: r.clone(),
                            year: *y,
                        });
                    }
                }
            }
            // Every region, every year of the range (each answer names its data year), every
            // basis declared (location only when none is).
            QueryKind::GridIntensity => {
                let years: Vec<i32> = match manifest.years {
                    Some([a, b]) if a <= b && b - a <= 200 => (a..=b).collect(),
                    _ => vec![2024],
                };
                let bases = if manifest.bases.is_empty() {
                    vec![Basis::Location]
                } else {
                    manifest.bases.clone()
                };
                for r in &manifest.regions {
                    for y in &years {
                        for b in &bases {
                            out.push(Query::GridIntensity {
                                region: r.clone(),
                                year: *y,
                                basis: *b,
                            });
                        }
                    }
                }
            }
        }
    }
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_query() -> Query {
        Query::GpuSpec { gpu: "H100".into() }
    }

    fn spec_json(flops: &str, unit: &str, gpu: &str) -> String {
        format!(
            r#"{{"schema":"traincost.response","schema_version":1,"result":{{"kind":"gpu_spec",
            "gpu":"{gpu}","peak_bf16_flops":{{"value":{flops},"unit":"{unit}","assumption":"datasheet"}},
            "tdp":{{"value":700,"unit":"W","assumption":"datasheet"}}}}}}"#
        )
    }

    #[test]
    fn accepts_a_good_response() {
        let r = parse_response(
            spec_json("9.894e14", "FLOP/s", "H100").as_bytes(),
            &spec_query(),
        );
        assert!(r.is_ok(), "{r:?}");
    }

    #[test]
    fn rejects_null_negative_unknown_unit_unknown_gpu() {
        let e = parse_response(
            spec_json("null", "FLOP/s", "H100").as_bytes(),
            &spec_query(),
        )
        .unwrap_err();
        assert_eq!(e[0].path, "result.peak_bf16_flops.value");
        assert!(e[0].message.contains("NaN or infinity"));
        let e = parse_response(spec_json("-1", "FLOP/s", "H100").as_bytes(), &spec_query())
            .unwrap_err();
        assert!(e[0].message.contains("negative"), "{e:?}");
        let e =
            parse_response(spec_json("1", "FLOPS", "H100").as_bytes(), &spec_query()).unwrap_err();
        assert!(e[0].message.contains("unknown unit \"FLOPS\""), "{e:?}");
        let e =
            parse_response(spec_json("1", "FLOP/s", "Z999").as_bytes(), &spec_query()).unwrap_err();
        assert!(e[0].message.contains("unknown GPU \"Z999\""), "{e:?}");
        let e =
            parse_response(spec_json("1", "FLOP/s", "H800").as_bytes(), &spec_query()).unwrap_err();
        assert!(e[0].message.contains("asked for \"H100\""), "{e:?}");
        let e = parse_response(b"{\"value\": nan}", &spec_query()).unwrap_err();
        assert!(e[0].message.contains("malformed JSON"), "{e:?}");
        assert!(e[0].message.contains("NaN and infinity"), "{e:?}");
    }

    #[test]
    fn absurd_but_finite_values_are_refused() {
        let e = parse_response(
            spec_json("1e308", "FLOP/s", "H100").as_bytes(),
            &spec_query(),
        )
        .unwrap_err();
        assert_eq!(e[0].path, "result.peak_bf16_flops.value");
        assert!(
            e[0].message
                .contains("not physical for a peak FLOP/s (at most 1e17 FLOP/s"),
            "{e:?}"
        );
        let e =
            parse_response(spec_json("0", "FLOP/s", "H100").as_bytes(), &spec_query()).unwrap_err();
        assert!(e[0].message.contains("at least 1e9"), "{e:?}");
        for (unit, ok, bad) in [
            ("USD/GPU-hour", 12.0, 1e308),
            ("USD/GPU", 40_000.0, 1e12),
            ("USD/year", 2e6, 1e10),
            ("W", 700.0, 1e6),
        ] {
            let mut out = Vec::new();
            let q = |x| Quantity::assumption(Dist::Point(x), unit, "test").in_dollars_of(2024);
            check_quantity("x", &q(ok), &[], &mut out);
            assert!(out.is_empty(), "{unit} {ok}: {out:?}");
            check_quantity("x", &q(bad), &[], &mut out);
            assert!(
                out.len() == 1 && out[0].message.contains("is not physical"),
                "{unit} {bad}: {out:?}"
            );
        }
        // Every number of a distribution is checked.
        let mut out = Vec::new();
        let q = Quantity::assumption(
            Dist::Lognormal {
                p5: 2.0,
                p95: 1e300,
            },
            "USD/GPU-hour",
            "t",
        )
        .in_dollars_of(2024);
        check_quantity("p", &q, &[], &mut out);
        assert_eq!(out[0].path, "p.lognormal[1]", "{out:?}");
        // Every known unit has a bound.
        for u in crate::catalog::UNITS {
            assert!(bound(u).is_some(), "no bound for {u}");
        }
    }

    fn manifest_with(kind: &str, queries: &str, definitions: &str) -> Vec<u8> {
        format!(
            r#"{{"schema":"traincost.manifest","schema_version":1,"name":"p","version":"1",
            "kind":"{kind}","queries":[{queries}],"gpus":["H100"],"gpu_definitions":[{definitions}]}}"#
        )
        .into_bytes()
    }

    #[test]
    fn gpu_definitions_extend_the_vocabulary_and_are_checked() {
        let good =
            r#"{"id":"Gaudi3","aliases":["Gaudi 3","Intel Gaudi 3"],"product":"Intel Gaudi 3"}"#;
        let m = parse_manifest(
            &manifest_with("pricing", r#""gpu_spec""#, good),
            "p",
            Kind::Pricing,
        )
        .unwrap();
        assert_eq!(m.gpus, ["H100", "Gaudi3"], "defined ids join `gpus`");
        // Its answers may name the defined GPU, by id, whatever spelling the query used.
        let q = Query::GpuSpec {
            gpu: "intel gaudi-3".into(),
        };
        let body = spec_json("1.8e15", "FLOP/s", "Gaudi3");
        assert!(parse_response(body.as_bytes(), &q).is_err());
        let r = parse_response_with(body.as_bytes(), &q, &m.gpu_definitions);
        assert!(r.is_ok(), "{r:?}");
        let wrong = spec_json("1.8e15", "FLOP/s", "H100");
        let e = parse_response_with(wrong.as_bytes(), &q, &m.gpu_definitions).unwrap_err();
        assert!(e[0].message.contains("asked for \"Gaudi3\""), "{e:?}");

        let problems = |kind: &str, queries: &str, defs: &str| {
            let k = Kind::parse(kind).unwrap();
            parse_manifest(&manifest_with(kind, queries, defs), "p", k)
                .unwrap_err()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let e = problems("pricing", r#""purchase_price""#, good);
        assert!(e.contains("add \"gpu_spec\" to `queries`"), "{e}");
        let e = problems("pricing", r#""gpu_spec""#, r#"{"id":"nvidia h100 sxm5"}"#);
        assert!(
            e.contains("gpu_definitions[0].id: \"nvidia h100 sxm5\" names \"H100\", a GPU of traincost's catalog"),
            "{e}"
        );
        let e = problems(
            "pricing",
            r#""gpu_spec""#,
            r#"{"id":"X1"},{"id":"X2","aliases":["x-1"]}"#,
        );
        assert!(
            e.contains("gpu_definitions[1].aliases[0]: \"x-1\" is already defined (as \"X1\")"),
            "{e}"
        );
        let e = problems(
            "pricing",
            r#""gpu_spec""#,
            r#"{"id":"--"},{"id":"X\u0000"}"#,
        );
        assert!(
            e.contains("gpu_definitions[0].id: \"--\" is not a GPU name")
                && e.contains("gpu_definitions[1].id"),
            "{e}"
        );
        let e = problems("salary", r#""compensation""#, good);
        assert!(e.contains("only a pricing plugin defines GPUs"), "{e}");
    }

    fn grid_query() -> Query {
        Query::GridIntensity {
            region: "us-ia".into(),
            year: 2024,
            basis: Basis::Location,
        }
    }

    fn grid_json(
        region: &str,
        year: i32,
        basis: &str,
        data_year: i32,
        value: &str,
        unit: &str,
    ) -> String {
        format!(
            r#"{{"schema":"traincost.response","schema_version":1,"result":{{"kind":"grid_intensity",
            "region":"{region}","year":{year},"basis":"{basis}","data_year":{data_year},
            "intensity":{{"value":{value},"unit":"{unit}","claim":"some-claim"}}}}}}"#
        )
    }

    #[test]
    fn grid_intensities_are_checked_against_the_query_unit_and_bounds() {
        let ok = grid_json("US-IA", 2024, "location", 2023, "352", "gCO2e/kWh");
        let r = parse_response(ok.as_bytes(), &grid_query()).unwrap();
        let QueryResult::GridIntensity(g) = r.result else {
            panic!()
        };
        assert_eq!((g.region.as_str(), g.data_year), ("US-IA", 2023));
        let problems = |json: String| {
            parse_response(json.as_bytes(), &grid_query())
                .unwrap_err()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        };
        let e = problems(grid_json(
            "US-IA",
            2024,
            "location",
            2023,
            "0.352",
            "kgCO2e/kWh",
        ));
        assert!(
            e.contains("result.intensity.unit: unknown unit \"kgCO2e/kWh\""),
            "{e}"
        );
        let e = problems(grid_json("US-IA", 2024, "location", 2023, "352", "W"));
        assert!(
            e.contains("result.intensity.unit: is \"W\" where gCO2e/kWh is expected"),
            "{e}"
        );
        let e = problems(grid_json(
            "US-IA",
            2024,
            "location",
            2023,
            "5000",
            "gCO2e/kWh",
        ));
        assert!(
            e.contains("result.intensity.value: 5e3 gCO2e/kWh is not physical for a grid carbon intensity (at most 2e3"),
            "{e}"
        );
        let e = problems(grid_json(
            "US-IA",
            2024,
            "location",
            2023,
            "-1",
            "gCO2e/kWh",
        ));
        assert!(e.contains("result.intensity.value: -1 is negative"), "{e}");
        let e = problems(grid_json(
            "US-TX",
            2024,
            "location",
            2023,
            "352",
            "gCO2e/kWh",
        ));
        assert!(
            e.contains("result.region: is \"US-TX\" but the query asked for \"us-ia\""),
            "{e}"
        );
        let e = problems(grid_json(
            "US-IW",
            2024,
            "location",
            2023,
            "352",
            "gCO2e/kWh",
        ));
        assert!(
            e.contains("result.region: unknown region \"US-IW\"; did you mean US-IA"),
            "{e}"
        );
        let e = problems(grid_json(
            "us-ia",
            2024,
            "location",
            2023,
            "352",
            "gCO2e/kWh",
        ));
        assert!(e.contains("write the canonical id \"US-IA\""), "{e}");
        let e = problems(grid_json("US-IA", 2023, "market", 2023, "352", "gCO2e/kWh"));
        assert!(
            e.contains("result.year: is 2023 but the query asked for 2024")
                && e.contains("result.basis: is market but the query asked for location"),
            "{e}"
        );
        let e = problems(grid_json("US-IA", 2024, "location", 24, "352", "gCO2e/kWh"));
        assert!(
            e.contains("result.data_year: 24 is not a plausible year"),
            "{e}"
        );
        // A grid answer to another query is refused by kind.
        let e = parse_response(ok.as_bytes(), &spec_query()).unwrap_err();
        assert!(
            e[0].message
                .contains("answers grid_intensity but the query was gpu_spec"),
            "{e:?}"
        );
    }

    #[test]
    fn grid_manifests_list_known_regions_and_are_exercised_region_by_year() {
        let json = |regions: &str, years: &str| {
            format!(
                r#"{{"schema":"traincost.manifest","schema_version":1,"name":"g","version":"1",
                "kind":"grid","queries":["grid_intensity"],"regions":{regions},"years":{years}}}"#
            )
        };
        let m = parse_manifest(
            json(r#"["FR","US-IA"]"#, "[2022,2024]").as_bytes(),
            "g",
            Kind::Grid,
        )
        .unwrap();
        let qs = exercise_queries(&m);
        assert_eq!(qs.len(), 6, "{qs:?}");
        assert!(qs.contains(&Query::GridIntensity {
            region: "US-IA".into(),
            year: 2023,
            basis: Basis::Location
        }));
        let e = parse_manifest(
            json(r#"["France"]"#, "[2022,2024]").as_bytes(),
            "g",
            Kind::Grid,
        )
        .unwrap_err();
        assert!(
            e[0].to_string()
                .contains("regions[0]: unknown region \"France\"; write the canonical id \"FR\""),
            "{e:?}"
        );
        let e = parse_manifest(json(r#"["FR"]"#, "[2022,9999]").as_bytes(), "g", Kind::Grid)
            .unwrap_err();
        assert!(
            e[0].to_string().contains("not a range of plausible years"),
            "{e:?}"
        );
        let e = parse_manifest(json("[]", "[2022,2024]").as_bytes(), "g", Kind::Grid).unwrap_err();
        assert!(e[0].to_string().starts_with("regions: is empty"), "{e:?}");
        // A pricing plugin cannot declare the grid query.
        let pricing = json(r#"[]"#, "null").replace("\"grid\"", "\"pricing\"");
        let e = parse_manifest(pricing.as_bytes(), "g", Kind::Pricing).unwrap_err();
        assert!(
            e[0].to_string()
                .contains("a pricing plugin cannot answer grid_intensity"),
            "{e:?}"
        );
    }

    #[test]
    fn dates() {
        let mut out = Vec::new();
        for ok in ["2024", "2024-03", "2024-03-31"] {
            check_date("d", ok, &mut out);
        }
        assert!(out.is_empty());
        for bad in ["24", "2024-3", "2024-13", "March 2024", ""] {
            check_date("d", bad, &mut out);
        }
        assert_eq!(out.len(), 5);
    }
}
