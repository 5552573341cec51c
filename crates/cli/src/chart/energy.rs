//! The energy of a training run in its two forms (accelerator, facility; see
//! `traincost_core::stack::EnergyForm`), each scope a pair of bars on one linear axis: the
//! 90% interval as a bar, the median as a line. Labels sit above the bars, as in the
//! waterfall, so the chart stays legible scaled down to a phone's width.

use super::svg::{Anchor, LinearAxis, Svg, colour, escape};
use crate::energy::EnergyRow;
use crate::format::amount;
use traincost_core::estimate::Figure;

const WIDTH: f64 = 420.0;
const LEFT: f64 = 12.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 58.0;
const ROW: f64 = 44.0;

/// What a chart draws: energy (kWh) or emissions (tCO2e) of the same scopes and forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    /// Energy, kWh.
    Energy,
    /// Emissions, tCO2e.
    Emissions,
}

/// The chart of `rows` (the final run, development compute and their total; the fleet's year,
/// another unit, is left to the table) for `title` (the model).
pub(crate) fn render(title: &str, rows: &[EnergyRow<'_>], measure: Measure) -> String {
    let bars: Vec<(&EnergyRow<'_>, &'static str, &Figure)> = rows
        .iter()
        .filter(|r| !r.fleet)
        .flat_map(|r| {
            [("accelerator", r.accelerator), ("facility", r.facility)]
                .into_iter()
                .filter_map(move |(form, f)| f.map(|f| (r, form, f)))
        })
        .collect();
    let (what, label) = match measure {
        Measure::Energy => ("energy", "Energy, in two forms"),
        Measure::Emissions => ("emissions", "Emissions, in two forms"),
    };
    let heading =
        format!("{title}: {what} of the run, accelerator and facility forms, linear scale");
    let height = TOP + ROW * bars.len() as f64 + 48.0;
    let mut s = Svg::new(WIDTH, height, &heading);
    s.text(LEFT, 18.0, Anchor::Start, 13.0, colour::TEXT, label);
    for (k, line) in [
        "accelerator: GPU-hours x power per GPU (model cards)",
        "facility: what the datacenter drew (Epoch AI's method)",
    ]
    .iter()
    .enumerate()
    {
        s.text(
            LEFT,
            33.0 + 14.0 * k as f64,
            Anchor::Start,
            11.0,
            colour::MUTED,
            line,
        );
    }
    // Energy in GWh when any bar reaches one, else MWh; emissions in kt when any bar reaches a
    // thousand tonnes, else t: ticks read as plain numbers of that unit.
    let max = bars.iter().map(|(_, _, f)| f.p95).fold(0.0, f64::max);
    let (scale, unit) = match measure {
        Measure::Energy if max >= 1e6 => (1e6, "GWh"),
        Measure::Energy => (1e3, "MWh"),
        Measure::Emissions if max >= 1e3 => (1e3, "ktCO2e"),
        Measure::Emissions => (1.0, "tCO2e"),
    };
    let values = std::iter::once(0.0).chain(bars.iter().map(|(_, _, f)| f.p95 / scale));
    let Some(axis) = LinearAxis::covering(values, LEFT, WIDTH - RIGHT) else {
        return s.finish();
    };
    let bottom = TOP + ROW * bars.len() as f64;
    // The unit on the last tick only, so the first (zero, at the edge) stays short.
    let ticks = axis.ticks();
    for (k, &t) in ticks.iter().enumerate() {
        let x = axis.x(t);
        s.line(x, TOP, x, bottom, colour::GRID, 1.0);
        let label = if k + 1 == ticks.len() {
            format!("{} {unit}", crate::format::number(t))
        } else {
            crate::format::number(t)
        };
        s.text(
            x,
            bottom + 14.0,
            Anchor::Middle,
            11.0,
            colour::MUTED,
            &label,
        );
    }
    for (k, (row, form, f)) in bars.iter().enumerate() {
        let y = TOP + ROW * k as f64;
        let median = amount(&f.unit, f.p50);
        let interval = crate::format::interval(&f.unit, f.p5, f.p95);
        s.text(
            LEFT,
            y + 15.0,
            Anchor::Start,
            12.0,
            colour::TEXT,
            &format!("{}, {form}: {median}", row.scope),
        );
        s.group_with_tooltip(&format!(
            "{} ({form}): median {median}, 90% interval {interval}",
            row.scope
        ));
        let (x5, x95) = (axis.x(f.p5 / scale), axis.x(f.p95 / scale));
        let fill = if *form == "accelerator" {
            colour::INTERVAL
        } else {
            colour::FACILITY
        };
        s.rect(
            x5,
            y + 21.0,
            (x95 - x5).max(2.0),
            14.0,
            fill,
            &format!("data-energy=\"{}\"", escape(&f.id)),
        );
        let xm = axis.x(f.p50 / scale);
        s.line(xm, y + 18.0, xm, y + 38.0, colour::MEDIAN, 3.0);
        s.end_group();
    }
    s.text(
        LEFT,
        bottom + 34.0,
        Anchor::Start,
        11.0,
        colour::MUTED,
        "bars: 90% intervals; lines: medians",
    );
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::svg::check_xml;
    use traincost_core::stack::EnergyForm;

    fn figure(id: &str, form: EnergyForm, p5: f64, p50: f64, p95: f64) -> Figure {
        Figure {
            id: id.into(),
            label: id.into(),
            unit: "kWh".into(),
            basis: None,
            form: Some(form),
            accounting: None,
            central: p50,
            mean: p50,
            sd: 0.0,
            p5,
            p50,
            p95,
            percentiles: vec![],
            includes: String::new(),
            excludes: String::new(),
            components: vec![],
            multiples: vec![],
        }
    }

    /// Bars are drawn to scale on one linear axis: the facility bar of a run drawing twice the
    /// accelerators' energy is twice as far from zero; every bar has its label and tooltip.
    #[test]
    fn bars_are_to_scale_and_labelled() {
        let a = figure(
            "final-run-energy-accelerator",
            EnergyForm::Accelerator,
            2e7,
            2e7,
            2e7,
        );
        let f = figure(
            "final-run-energy-facility",
            EnergyForm::Facility,
            3e7,
            4e7,
            5e7,
        );
        let rows = [EnergyRow {
            scope: "final run".into(),
            total: false,
            fleet: false,
            accelerator: Some(&a),
            facility: Some(&f),
        }];
        let svg = render("A <model>", &rows, Measure::Energy);
        check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert!(svg.contains("A &lt;model&gt;"));
        assert!(svg.contains("final run, accelerator: 20 GWh"), "{svg}");
        assert!(svg.contains("final run, facility: 40 GWh"), "{svg}");
        let x_end = |id: &str| {
            let at = svg.find(&format!("data-energy=\"{id}\"")).unwrap();
            let tag = &svg[svg[..at].rfind("<rect").unwrap()..at];
            let attr = |name: &str| -> f64 {
                let i = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                tag[i..i + tag[i..].find('"').unwrap()].parse().unwrap()
            };
            attr("x") + attr("width")
        };
        // Zero is at LEFT: the facility's p95 (50) is 2.5x the accelerator's (20) from it.
        let ratio = (x_end("final-run-energy-facility") - LEFT)
            / (x_end("final-run-energy-accelerator") - LEFT);
        assert!((ratio - 2.5).abs() < 0.05, "{ratio}");
    }
}
