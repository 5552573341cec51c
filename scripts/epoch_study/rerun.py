#!/usr/bin/env python3
"""Rerun Epoch AI's development-cost study with many seeds and measure the seed-to-seed spread.

Reference (read-only, not part of this repo):
  NB  = /work/shared/reference/epoch/development_cost_notebook.py  (development_cost.ipynb @ 7a77a94,
        code cells in order, printed outputs as "# >>>" comments). "NB l.X" below = line X of that file.
  PUB = /work/shared/reference/epoch/epoch_development_costs.csv  (the notebook's printed percentiles)
  CT  = /work/shared/reference/epoch/epoch_cost_table.csv         (Epoch's cost pipeline, recomputed)
  PPI = /work/shared/reference/epoch/ppi_PCU518210518210.csv      (FRED PCU518210518210, monthly)

The notebook has no seed, so its published percentiles are one draw.  This script re-implements
every computation that feeds the published table (same inputs, same distributions, same N, same
order of sum/percentile operations) and repeats it for many seeds; it writes, per model and row,
Epoch's published p5/p50/p95 plus the mean, standard deviation and relative sd of our p5/p50/p95
across seeds (spread.csv).  Usage:

    pip install numpy            # only dependency
    python3 scripts/epoch_study/rerun.py [--seeds 50] [--first-seed 0] [--out scripts/epoch_study/spread.csv]

Random numbers: numpy Generator (PCG64) seeded per run; the notebook used the legacy global
np.random (utils.lognorm_from_90_ci) and DEFAULT_RNG (pods, NB l.553).  The draws are therefore not
the notebook's, but every distribution, shape and sharing pattern is.  Rejection loops that the
notebook runs one sample at a time are vectorised (same accept/reject rule, i.i.d. proposals, so the
same distribution).

------------------------------------------------------------------------------------------------
INPUTS (meaning, scope, source)
------------------------------------------------------------------------------------------------
Helpers (utils.py in Epoch's repo):
  LN90(lo, hi, shape)  lognormal with 5th/95th percentiles lo/hi: mu = (ln lo + ln hi)/2,
                       sigma = (ln hi - ln lo) / (2 * 1.6448536269514722)   [lognorm_from_90_ci]
  LNCI(lo, hi, ci, n)  same with central ci% interval (used with ci = 90)  [lognorm_from_ci]
  dt2float(d)          = d.year + d.month/12 + d.day/365.25  (NB l.106; note month/12, not (month-1)/12,
                       and day not day-1: a quirk, it only matters through differences)

Shared across models (drawn once per run, the same arrays are reused by every model):
  N = 10,000 samples (NB l.37).
  experiment_factor  = LN90(1.2, 4, N)    total experiment+training compute / final-run compute,
                       includes the final run (NB l.92).  Used (a) through its sample 5th/50th/95th
                       percentiles for hardware (NB l.153-156) and (b) elementwise in GPT-3, OPT and
                       Gemini energy (NB l.269, 338, 543).
  energy_price_uncertainty_factor = LN90(0.6, 1.7, N)  electricity price multiplier (NB l.104),
                       elementwise in all four models' energy (NB l.270, 339, 431, 576).
  salary_low/high    = sqrt(148k*132k), sqrt(335k*210k)  annual base salary 90% CI (NB l.54-55)
  equity_low/high    = sqrt(34k*37k), sqrt(760k*331.25k) annual equity 90% CI (NB l.56-57)
  overhead           = LN90(1.25, 1.4) benefits/payroll multiplier on salary only (NB l.78-79)
  salary_test_distribution / equity_test_distribution = LN90(salary..)/LN90(equity..) of size N
                       (NB l.59-60); their SAMPLE 75th/99th percentiles set Gemini leads' pay
                       (NB l.1615-1618), so those bounds vary by seed too.

Hardware (amortized CapEx + energy of Epoch's pipeline, Method A), per model (NB l.126-164):
  The notebook calls estimate_hardware_capex_energy() with chip-hours x experiment_factor
  percentile p for p in (5, 50, 95) (NB l.153-157).  Method A is linear in chip-hours (server value,
  amortization rate and energy per chip-hour do not depend on it), so component(p) =
  base_component x np.percentile(experiment_factor, p).  The base components (nominal USD, final
  run only) are NOT computed here: they are Epoch's pipeline outputs, taken from CT rows
  version == 'paper_v2' (cost_component_{ai_chip,other_server,interconnect,energy}_usd).  Check:
  the notebook's printed GPT-3 values (NB l.189-196) divided by these give the same factor
  (1.19181 at p5, 2.18664 at p50) for all four components, i.e. the notebook used the V100 price
  $18,625/GPU (the paper_v2 tie-break, not v1's $17,250) with a 300 W V100 TDP; the printed server
  values of GPT-4 ($14,165.05), OPT ($18,296.79) and Gemini ($4,488.56) per chip (NB l.171-177)
  equal CT's value_at_training_start_usd.  This script asserts that consistency at start-up.
  Chip-hours: GPT-3 3.552e6, OPT 812,544, GPT-4 5.7e7, Gemini 1.32e8 (NB l.138-141, CT).
  Each component's distribution is then LNCI(c(5), c(95), 90, N), drawn independently per
  component (NB l.303-309); the p50 evaluation is computed but unused.
  (EPOCH_METHOD.md sec. 5 says 2.5/50/97.5th percentiles; the notebook uses 5/50/95, NB l.153.)
  Gemini's alternative hardware LN90(5.9e6, 1.1e8) (NB l.512-516) is computed but overridden by the
  pipeline components in cost_data (NB l.1688-1693), so it is not used here.

Energy (replaces the pipeline energy for GPT-3, OPT, Gemini; not for GPT-4):
  GPT-3   1,287 MWh (Patterson et al. 2021) x experiment_factor x energy_price(2020)=0.0667 $/kWh
          x price factor (NB l.269-271).
  OPT     33 d x 24 h x 992 GPUs x 0.3 kW x experiment_factor x energy_price(2022)=0.0832 x price
          factor (NB l.335-340).
  GPT-4   LNCI of the pipeline energy at factor p5/p95 (as hardware) x price factor (NB l.431).
  Gemini  pods ~ U(12, 19) (NB l.553) x 4,096 chips (NB l.552) x 0.373 kW (NB l.567)
          x chip_to_server_power('Google TPU v4') = 1.56 x server_TDP_fraction(TPU) = 0.43
          x PUE('Google') = 1.1 (energy.py values, see EPOCH_METHOD.md 1.3 / CT Gemini row)
          x training time LN90(1, 6 months of 31 d, in s) (NB l.538-540) x experiment_factor
          / 3600 h (NB l.543-544) x energy_price(2023)=0.0806 x price factor (NB l.569-577).
  energy_price(year): US industrial average, Epoch energy.py (EPOCH_METHOD.md 1.3).

Staff (R&D staff incl. equity, INCLUDE_EQUITY = True, NB l.29):
  per contributor and sample: (salary x overhead + equity) x FTE, summed over contributors, times
  project duration in years (per sample).
  GPT-3   25 contributors (NB l.277); salary, overhead, FTE LN90(0.05, 0.8) of shape (N, 25);
          equity of shape (25,): ONE draw per contributor shared by all N samples (NB l.283).
          Duration (NB l.248-256): start ~ LN90(dt2float(2019-02-14), dt2float(2019-11-01)) decimal
          years; end = dt2float(day of (2020-05-28 - D)), D ~ LN90(60, 120) days (publication date
          2020-05-28, NB l.237); keep if end - start > 15/365 (NB l.239).
  OPT     19 contributors (NB l.354), as GPT-3 (equity shape (19,)); duration 192/365.25 years fixed
          (NB l.352).
  GPT-4   284 unique contributor names (NB l.476), as GPT-3 (equity shape (284,)).  Duration
          (NB l.413-420): dt2float(2023-03-15) - start, start ~ LN90(dt2float(2022-01-01),
          dt2float(2022-05-31)); keep if > 90/365 (NB l.404; never binds).
  Gemini  five roles (NB l.1576-1581, l.1612-1659): counts 36 / 418 / 483 / 2 / 2,
            Leads: salary LN90(P75, P99 of salary_test_distribution), equity LN90(P75, P99 of
                   equity_test_distribution), FTE LN90(0.3, 0.9)
            Core contributors: default salary/equity, FTE LN90(0.01, 0.8)
            Contributors: default salary/equity, FTE LN90(0.001, 0.05)
            Program Leads, Overall Technical Leads: salary LN90(5e5, 1e6), equity LN90(1e6, 1e7),
                   FTE LN90(0.05, 0.2)
          all of shape (N, n_role): here equity IS drawn per person per sample (NB l.1671).
          Duration LN90(7/12, 20/12) years (NB l.527-530).
  The GPT-3 and GPT-4 "experiments_duration" loops (NB l.240-246, 405-411) only print; skipped.

Inflation (NB l.1700-1714): every sample array x PPI(2023-12) / PPI(publication month).
  Publication dates: GPT-3 2020-05-28, OPT 2022-05-02, GPT-4 2023-03-15, Gemini 2023-12-06 (CT).

Rows (NB l.1720-1733, 1820-1824, 1891-1895):
  component rows: np.percentile(array, 5/50/95); total: percentiles of the ELEMENTWISE sum of the
  five (independently drawn) arrays; staff share: percentiles of staff/total x 100 (percent).
"""

import argparse
import csv
import math
import os
import sys
import time
from datetime import date

import numpy as np

REF = os.environ.get("EPOCH_REF_DIR", "/work/shared/reference/epoch")
HERE = os.path.dirname(os.path.abspath(__file__))

N = 10_000  # NB l.37
Z95 = 1.6448536269514722  # scipy.stats.norm.ppf(0.95)

MODELS = ["GPT-3 175B (davinci)", "OPT-175B", "GPT-4", "Gemini 1.0 Ultra"]
ROWS = [
    "rnd_staff_including_equity",
    "ai_accelerator_chips",
    "other_server_components",
    "cluster_interconnect",
    "energy",
    "total",
    "staff_share_of_total",
]
HW_COMPONENTS = ["ai_accelerator_chips", "other_server_components", "cluster_interconnect", "energy"]
CT_COLUMNS = {
    "ai_accelerator_chips": "cost_component_ai_chip_usd",
    "other_server_components": "cost_component_other_server_usd",
    "cluster_interconnect": "cost_component_interconnect_usd",
    "energy": "cost_component_energy_usd",
}
PUB_DATES = {
    "GPT-3 175B (davinci)": date(2020, 5, 28),
    "OPT-175B": date(2022, 5, 2),
    "GPT-4": date(2023, 3, 15),
    "Gemini 1.0 Ultra": date(2023, 12, 6),
}
# Epoch energy.py, US industrial electricity price by (publication) year, $/kWh
ENERGY_PRICE = {2020: 0.0667, 2022: 0.0832, 2023: 0.0806}

# Salary / equity / overhead (NB l.54-57, 78-79)
SALARY_LOW = (148000 * 132000) ** 0.5
SALARY_HIGH = (335000 * 210000) ** 0.5
EQUITY_LOW = (34000 * 37000) ** 0.5
EQUITY_HIGH = (760000 * 331250) ** 0.5
OVERHEAD_LOW, OVERHEAD_HIGH = 1.25, 1.4


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------
def ln90(rng, lo, hi, size):
    """utils.lognorm_from_90_ci: lognormal with 5th/95th percentiles lo/hi."""
    mu = (math.log(lo) + math.log(hi)) / 2
    sigma = (math.log(hi) - math.log(lo)) / (2 * Z95)
    return rng.lognormal(mu, sigma, size)


def dt2float(d):
    """NB l.106 (quirky decimal year)."""
    return d.year + d.month / 12 + d.day / 365.25


def dt2float_days(days):
    """dt2float for a numpy datetime64[D] array."""
    y = days.astype("datetime64[Y]")
    m = days.astype("datetime64[M]")
    year = y.astype(np.int64) + 1970
    month = (m - y).astype(np.int64) + 1
    day = (days - m).astype(np.int64) + 1
    return year + month / 12 + day / 365.25


def ppi_factor(pub):
    """NB l.1700-1707: PPI(2023-12) / PPI(publication month)."""
    idx = {}
    with open(os.path.join(REF, "ppi_PCU518210518210.csv")) as f:
        for r in csv.DictReader(f):
            key = r.get("observation_date") or r.get("DATE")
            idx[key] = float(r["PCU518210518210"])
    return idx["2023-12-01"] / idx[f"{pub.year:04d}-{pub.month:02d}-01"]


def load_base_hardware():
    """Pipeline components of the final run (nominal USD), CT rows version == 'paper_v2'."""
    base = {}
    with open(os.path.join(REF, "epoch_cost_table.csv")) as f:
        for r in csv.DictReader(f):
            if r["version"] == "paper_v2" and r["model"] in MODELS:
                base[r["model"]] = {c: float(r[col]) for c, col in CT_COLUMNS.items()}
                base[r["model"]]["_value_per_chip"] = float(r["value_at_training_start_usd"])
    assert set(base) == set(MODELS), base.keys()
    # Consistency with the notebook's printed output (NB l.171-177, 189-196).
    printed_gpt3 = {
        5: [1140154.878422949, 786706.8661118348, 451979.9153847023, 132356.90940574039],
        50: [2091866.770618264, 1443388.071726602, 829257.3086981785, 242838.07918321437],
    }
    for p, vals in printed_gpt3.items():
        ratios = [v / base["GPT-3 175B (davinci)"][c] for v, c in zip(vals, HW_COMPONENTS)]
        assert max(ratios) / min(ratios) - 1 < 1e-8, (p, ratios)
    for m, v in [("Gemini 1.0 Ultra", 4488.559125020449), ("GPT-4", 14165.054738257799),
                 ("OPT-175B", 18296.79402527096)]:
        assert abs(base[m]["_value_per_chip"] / v - 1) < 1e-8, (m, v)
    return base


def load_published():
    pub = {}
    with open(os.path.join(REF, "epoch_development_costs.csv")) as f:
        for r in csv.DictReader(f):
            pub[(r["model"], r["component"])] = (float(r["p5"]), float(r["p50"]), float(r["p95"]))
    return pub


def rejection(rng, draw, keep, n):
    """Vectorised form of the notebook's one-at-a-time `while len(x) < N` loops."""
    out = np.empty(0)
    while out.size < n:
        x = draw(rng, 2 * n)
        out = np.concatenate([out, x[keep(x)]])
    return out[:n]


def staff_shared_equity(rng, n_contrib, duration):
    """GPT-3 / OPT / GPT-4 staff (NB l.279-290, 357-368, 480-491): equity shape (n_contrib,)."""
    comp = ln90(rng, SALARY_LOW, SALARY_HIGH, (N, n_contrib))
    comp *= ln90(rng, OVERHEAD_LOW, OVERHEAD_HIGH, (N, n_contrib))
    comp += ln90(rng, EQUITY_LOW, EQUITY_HIGH, n_contrib)  # once per contributor, broadcast over samples
    comp *= ln90(rng, 0.05, 0.8, (N, n_contrib))
    return comp.sum(axis=1) * duration


# ----------------------------------------------------------------------------------------------
# one run of the notebook
# ----------------------------------------------------------------------------------------------
def run_once(seed, base):
    rng = np.random.default_rng(seed)
    salary_test = ln90(rng, SALARY_LOW, SALARY_HIGH, N)  # NB l.59
    equity_test = ln90(rng, EQUITY_LOW, EQUITY_HIGH, N)  # NB l.60
    experiment_factor = ln90(rng, 1.2, 4, N)  # NB l.92
    price_factor = ln90(rng, 0.6, 1.7, N)  # NB l.104
    f_pct = {p: np.percentile(experiment_factor, p) for p in (5, 50, 95)}  # NB l.155

    def hw_dist(model, comp):  # NB l.303-309: lognorm_from_ci(c5, c95, 90, N)
        return ln90(rng, base[model][comp] * f_pct[5], base[model][comp] * f_pct[95], N)

    data = {}

    # ---- GPT-3 ------------------------------------------------------------------------------
    m = "GPT-3 175B (davinci)"
    s_lo, s_hi = dt2float(date(2019, 2, 14)), dt2float(date(2019, 11, 1))  # NB l.232-233
    pub64 = np.datetime64("2020-05-28T00:00:00", "ns")  # NB l.237

    def gpt3_draw(r, k):
        start = ln90(r, s_lo, s_hi, k)
        delay = ln90(r, 60, 120, k)  # days, NB l.252
        end_ts = pub64 - (delay * 86400e9).astype("timedelta64[ns]")
        end = dt2float_days(end_ts.astype("datetime64[D]"))  # dt2float reads only y/m/d
        return end - start

    dur = rejection(rng, gpt3_draw, lambda x: x > 15 / 365, N)  # NB l.239, 255
    energy = 1287e3 * experiment_factor * ENERGY_PRICE[2020] * price_factor  # NB l.269-271
    data[m] = {c: hw_dist(m, c) for c in HW_COMPONENTS[:3]}
    data[m]["energy"] = energy
    data[m]["rnd_staff_including_equity"] = staff_shared_equity(rng, 25, dur)  # NB l.277-290

    # ---- OPT-175B ---------------------------------------------------------------------------
    m = "OPT-175B"
    energy = 33 * 24 * 992 * 0.3 * experiment_factor * ENERGY_PRICE[2022] * price_factor  # NB l.335-340
    data[m] = {c: hw_dist(m, c) for c in HW_COMPONENTS[:3]}
    data[m]["energy"] = energy
    data[m]["rnd_staff_including_equity"] = staff_shared_equity(rng, 19, 192 / 365.25)  # NB l.352-368

    # ---- GPT-4 ------------------------------------------------------------------------------
    m = "GPT-4"
    s_lo, s_hi = dt2float(date(2022, 1, 1)), dt2float(date(2022, 5, 31))  # NB l.397-398
    pub_f = dt2float(date(2023, 3, 15))  # NB l.402, 418
    dur = rejection(rng, lambda r, k: pub_f - ln90(r, s_lo, s_hi, k), lambda x: x > 90 / 365, N)
    data[m] = {c: hw_dist(m, c) for c in HW_COMPONENTS[:3]}
    data[m]["energy"] = hw_dist(m, "energy") * price_factor  # NB l.431
    data[m]["rnd_staff_including_equity"] = staff_shared_equity(rng, 284, dur)  # NB l.476-491

    # ---- Gemini 1.0 Ultra ---------------------------------------------------------------------
    m = "Gemini 1.0 Ultra"
    dur = ln90(rng, 7 / 12, 20 / 12, N)  # NB l.527-530
    train_s = ln90(rng, 1 * 31 * 24 * 3600, 6 * 31 * 24 * 3600, N)  # NB l.538-540
    exp_hours = train_s * experiment_factor / 3600  # NB l.543-544
    chips = rng.uniform(12, 19, N) * 4096  # NB l.552-554
    kw = 0.373 * 1.56 * 0.43 * 1.1  # NB l.567-573: TDP x server ratio x avg power x PUE
    energy = kw * chips * exp_hours * ENERGY_PRICE[2023] * price_factor  # NB l.574-577
    roles = [  # (count, salary lo/hi, equity lo/hi, FTE lo/hi), NB l.1576-1581, 1612-1659
        (36, np.percentile(salary_test, 75), np.percentile(salary_test, 99),
         np.percentile(equity_test, 75), np.percentile(equity_test, 99), 0.3, 0.9),
        (418, SALARY_LOW, SALARY_HIGH, EQUITY_LOW, EQUITY_HIGH, 0.01, 0.8),
        (483, SALARY_LOW, SALARY_HIGH, EQUITY_LOW, EQUITY_HIGH, 0.001, 0.05),
        (2, 5e5, 1e6, 1e6, 10e6, 0.05, 0.2),
        (2, 5e5, 1e6, 1e6, 10e6, 0.05, 0.2),
    ]
    staff = np.zeros(N)
    for n_r, sl, sh, el, eh, fl, fh in roles:  # NB l.1662-1677
        comp = ln90(rng, sl, sh, (N, n_r))
        comp *= ln90(rng, OVERHEAD_LOW, OVERHEAD_HIGH, (N, n_r))
        comp += ln90(rng, el, eh, (N, n_r))  # per person AND per sample here
        comp *= ln90(rng, fl, fh, (N, n_r))
        staff += comp.sum(axis=1)
    data[m] = {c: hw_dist(m, c) for c in HW_COMPONENTS[:3]}
    data[m]["energy"] = energy
    data[m]["rnd_staff_including_equity"] = staff * dur  # NB l.1680

    # ---- inflation, rows ------------------------------------------------------------------------
    out = {}
    for m in MODELS:
        k = ppi_factor(PUB_DATES[m])
        arrs = {c: a * k for c, a in data[m].items()}  # NB l.1709-1714
        total = (arrs["rnd_staff_including_equity"] + arrs["ai_accelerator_chips"]
                 + arrs["other_server_components"] + arrs["cluster_interconnect"] + arrs["energy"])
        arrs["total"] = total  # NB l.1822
        arrs["staff_share_of_total"] = arrs["rnd_staff_including_equity"] / total * 100  # NB l.1891-1895
        for r in ROWS:
            out[(m, r)] = np.percentile(arrs[r], [5, 50, 95])
    return out


def print_table(path):
    """Markdown table: published vs rerun seed-mean (deviation in %) and relative sd per percentile."""
    short = {"GPT-3 175B (davinci)": "GPT-3", "OPT-175B": "OPT-175B", "GPT-4": "GPT-4",
             "Gemini 1.0 Ultra": "Gemini Ultra"}

    def fmt(x, row):
        if row == "staff_share_of_total":
            return f"{x:.1f}%"
        return f"{x / 1e6:.3g}M"

    print("| model | row | Epoch p5 / p50 / p95 | rerun mean p5 / p50 / p95 | Epoch vs mean (%) | rel sd (%) | z = (Epoch-mean)/sd |")
    print("|---|---|---|---|---|---|---|")
    with open(path) as f:
        for r in csv.DictReader(f):
            qs = ("p5", "p50", "p95")
            e = [float(r[f"epoch_{q}"]) for q in qs]
            m = [float(r[f"rerun_mean_{q}"]) for q in qs]
            rel = [100 * float(r[f"rerun_rel_sd_{q}"]) for q in qs]
            z = [float(r[f"z_{q}"]) for q in qs]
            print(f"| {short[r['model']]} | {r['row']} | " + " / ".join(fmt(x, r["row"]) for x in e)
                  + " | " + " / ".join(fmt(x, r["row"]) for x in m)
                  + " | " + " / ".join(f"{100 * (a / b - 1):+.1f}" for a, b in zip(e, m))
                  + " | " + " / ".join(f"{x:.1f}" for x in rel)
                  + " | " + " / ".join(f"{x:+.1f}" for x in z) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(HERE, "spread.csv"))
    ap.add_argument("--table", action="store_true",
                    help="print the README's markdown table from an existing --out file and exit")
    args = ap.parse_args()
    if args.table:
        print_table(args.out)
        return

    base = load_base_hardware()
    pub = load_published()
    t0 = time.time()
    runs = []
    for s in range(args.first_seed, args.first_seed + args.seeds):
        runs.append(run_once(s, base))
        print(f"seed {s} done ({time.time() - t0:.0f} s)", file=sys.stderr)

    with open(args.out, "w", newline="") as f:
        w = csv.writer(f)
        hdr = ["model", "row", "unit", "n_seeds"]
        for q in ("p5", "p50", "p95"):
            hdr += [f"epoch_{q}", f"rerun_mean_{q}", f"rerun_sd_{q}", f"rerun_rel_sd_{q}",
                    f"z_{q}", f"tolerance_{q}"]
        w.writerow(hdr)
        for m in MODELS:
            for r in ROWS:
                vals = np.array([run[(m, r)] for run in runs])  # (seeds, 3)
                mean = vals.mean(axis=0)
                sd = vals.std(axis=0, ddof=1)
                row = [m, r, "percent" if r == "staff_share_of_total" else "USD 2023-12", len(runs)]
                for i, q in enumerate(("p5", "p50", "p95")):
                    e = pub[(m, r)][i]
                    rel = sd[i] / mean[i]
                    floor = 0.05 if q == "p50" else 0.10
                    row += [f"{e:.6g}", f"{mean[i]:.6g}", f"{sd[i]:.4g}", f"{rel:.4f}",
                            f"{(e - mean[i]) / sd[i]:.2f}", f"{max(floor, 3 * rel):.4f}"]
                w.writerow(row)
    print(f"wrote {args.out} ({len(runs)} seeds, {time.time() - t0:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
