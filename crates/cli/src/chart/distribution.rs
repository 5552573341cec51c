//! One layer's distribution, from its Monte Carlo summary: the 90% interval shaded, the 5th,
//! 50th and 95th percentiles, and the mean marked, and the lognormal whose
//! 5th and 95th percentiles match the summary drawn as a guide to the shape (labelled as such:
//! it is a fit to the percentiles, not a histogram of the samples).

use traincost_core::estimate::Figure;

use super::svg::{self, Anchor, LinearAxis, Svg, colour};

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 250.0;
const LEFT: f64 = 30.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 44.0;
const BASE: f64 = 170.0;

/// z of the 95th percentile of a standard normal.
const Z95: f64 = 1.644_853_626_951_472_2;

/// The chart of one layer (or total) `f`.
pub(crate) fn render(f: &Figure, dollar_year: &str) -> String {
    let title = format!("{} ({}): distribution, {} USD", f.label, f.id, dollar_year);
    let mut s = Svg::new(WIDTH, HEIGHT, &title);
    s.text(
        10.0,
        22.0,
        Anchor::Start,
        15.0,
        colour::TEXT,
        &format!("{}, {} USD", f.id, dollar_year),
    );
    let money = f.unit.starts_with("USD");
    let fmt = |v: f64| {
        if money {
            svg::money(v)
        } else {
            crate::format::number(v)
        }
    };
    let tick = |v: f64| {
        if money {
            svg::money_tick(v)
        } else {
            crate::format::number(v)
        }
    };
    let lognormal = f.p5 > 0.0 && f.p95 > f.p5 * (1.0 + 1e-9);
    let (mu, sigma) = if lognormal {
        let mu = (f.p5.ln() + f.p95.ln()) / 2.0;
        (mu, (f.p95.ln() - f.p5.ln()) / (2.0 * Z95))
    } else {
        (0.0, 0.0)
    };
    let (lo, hi) = if lognormal {
        ((mu - 2.6 * sigma).exp(), (mu + 2.6 * sigma).exp())
    } else {
        (f.p5, f.p95)
    };
    let Some(axis) =
        LinearAxis::covering([lo, hi, f.p5, f.p95, f.mean, f.p50], LEFT, WIDTH - RIGHT)
    else {
        s.text(
            10.0,
            60.0,
            Anchor::Start,
            12.0,
            colour::MUTED,
            "no finite values to draw",
        );
        return s.finish();
    };
    for t in axis.ticks() {
        let x = axis.x(t);
        s.line(x, TOP, x, BASE, colour::GRID, 1.0);
        s.text(
            x,
            BASE + 17.0,
            Anchor::Middle,
            12.0,
            colour::MUTED,
            &tick(t),
        );
    }
    s.line(LEFT, BASE, WIDTH - RIGHT, BASE, colour::TEXT, 1.0);
    if lognormal {
        // Density of the fitted lognormal, scaled to the plot height.
        let n = 160;
        let pdf = |x: f64| {
            if x <= 0.0 {
                0.0
            } else {
                let z = (x.ln() - mu) / sigma;
                (-0.5 * z * z).exp() / x
            }
        };
        let xs: Vec<f64> = (0..=n)
            .map(|k| axis.lo + (axis.hi - axis.lo) * k as f64 / n as f64)
            .collect();
        let peak = xs
            .iter()
            .map(|&x| pdf(x))
            .fold(0.0, f64::max)
            .max(f64::MIN_POSITIVE);
        let y_of = |x: f64| BASE - (BASE - TOP - 8.0) * pdf(x) / peak;
        let mut all: Vec<(f64, f64)> = vec![(axis.x(axis.lo), BASE)];
        all.extend(xs.iter().map(|&x| (axis.x(x), y_of(x))));
        all.push((axis.x(axis.hi), BASE));
        s.polygon(&all, "#f0f0f0", colour::MUTED);
        let mut inner: Vec<(f64, f64)> = vec![(axis.x(f.p5), BASE)];
        inner.extend(
            xs.iter()
                .filter(|&&x| x >= f.p5 && x <= f.p95)
                .map(|&x| (axis.x(x), y_of(x))),
        );
        inner.push((axis.x(f.p95), BASE));
        s.polygon(&inner, colour::AREA, "none");
    } else {
        s.rect(axis.x(f.p5) - 1.5, TOP, 3.0, BASE - TOP, colour::AREA, "");
    }
    let marks: [(&str, f64, &str); 4] = [
        ("p5", f.p5, colour::MEDIAN),
        ("median", f.p50, colour::MEDIAN),
        ("p95", f.p95, colour::MEDIAN),
        ("mean", f.mean, colour::CLAIM),
    ];
    for (name, v, c) in &marks {
        let x = axis.x(*v);
        s.group_with_tooltip(&format!("{name}: {}", fmt(*v)));
        s.line(
            x,
            TOP + 4.0,
            x,
            BASE,
            c,
            if *name == "median" { 2.5 } else { 1.2 },
        );
        s.end_group();
    }
    let legend = format!(
        "90%: {} to {}; median {}",
        fmt(f.p5),
        fmt(f.p95),
        fmt(f.p50)
    );
    s.text(
        10.0,
        BASE + 38.0,
        Anchor::Start,
        13.0,
        colour::TEXT,
        &legend,
    );
    let legend2 = format!("mean {} (orange)", fmt(f.mean));
    s.text(
        10.0,
        BASE + 56.0,
        Anchor::Start,
        13.0,
        colour::TEXT,
        &legend2,
    );
    let note = if lognormal {
        "curve: lognormal with the same 5th and 95th percentiles (a guide)"
    } else {
        "a single value: every input of this layer is certain"
    };
    s.text(10.0, BASE + 73.0, Anchor::Start, 11.0, colour::MUTED, note);
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::svg::check_xml;

    fn fig(p5: f64, p50: f64, p95: f64) -> Figure {
        Figure {
            id: "staff".into(),
            label: "Staff <people> & \"pay\"".into(),
            unit: "USD".into(),
            form: None,
            accounting: None,
            central: p50,
            mean: p50 * 1.1,
            sd: 1.0,
            p5,
            p50,
            p95,
            percentiles: Vec::new(),
            includes: String::new(),
            excludes: String::new(),
            components: Vec::new(),
            multiples: Vec::new(),
            basis: None,
        }
    }

    #[test]
    fn an_uncertain_layer_draws_a_valid_curve() {
        let svg = render(&fig(4.7e6, 14e6, 39.9e6), "2024");
        check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert!(svg.contains("<polygon"));
        assert!(svg.contains("Staff &lt;people&gt; &amp; &quot;pay&quot;"));
        assert!(svg.contains("$39.90M"));
    }

    #[test]
    fn a_certain_layer_and_degenerate_values_stay_valid() {
        for f in [
            fig(5.576e6, 5.576e6, 5.576e6),
            fig(0.0, 0.0, 0.0),
            fig(-1.0, 0.0, 1.0),
        ] {
            let svg = render(&f, "2024");
            check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        }
    }
}
