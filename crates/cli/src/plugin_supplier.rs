//! Plugins as a [`Supplier`] of scenario values: GPU specs and purchase prices from pricing
//! plugins, compensation from salary plugins. Each value is asked for once per scenario.

use traincost_core::scenario::{Supplied, SuppliedGpu, Supplier};
use traincost_core::stack::Accounting;

use crate::plugin_host::{LoadedPlugin, PluginRegistry, to_core_quantity};

/// The plugin registry seen from core.
pub(crate) struct PluginSupplier<'a>(pub(crate) &'a PluginRegistry);

fn source(p: &LoadedPlugin) -> String {
    format!("{} {} ({})", p.name(), p.version(), p.origin())
}

impl Supplier for PluginSupplier<'_> {
    fn gpu(&self, plugin: &str, gpu: &str) -> Result<SuppliedGpu, String> {
        let p = self.0.pricing(plugin).map_err(|d| d.to_string())?;
        let spec = p.gpu_spec(gpu).map_err(|d| d.to_string())?;
        // A GPU the plugin defines (outside traincost's catalog) owes its very identity to the
        // plugin: the report says so beside every figure taken from it.
        let defined = p
            .plugin()
            .manifest()
            .gpu_definitions
            .iter()
            .find(|d| d.id == spec.gpu);
        let source = match defined {
            None => source(p.plugin()),
            Some(d) => format!(
                "{}, which defines the GPU `{}`{} (not in traincost's catalog)",
                source(p.plugin()),
                d.id,
                if d.product.is_empty() {
                    String::new()
                } else {
                    format!(", {}", d.product)
                }
            ),
        };
        Ok(SuppliedGpu {
            product: if !spec.product.is_empty() {
                spec.product.clone()
            } else if let Some(d) = defined.filter(|d| !d.product.is_empty()) {
                d.product.clone()
            } else {
                spec.gpu.clone()
            },
            peak_flops: Supplied {
                table: to_core_quantity(&spec.peak_bf16_flops),
                source: source.clone(),
            },
            tdp: Supplied {
                table: to_core_quantity(&spec.tdp),
                source,
            },
        })
    }

    fn purchase_price(&self, plugin: &str, gpu: &str, date: &str) -> Result<Supplied, String> {
        let p = self.0.pricing(plugin).map_err(|d| d.to_string())?;
        let prices = p.purchase_prices(gpu).map_err(|d| d.to_string())?;
        let quote = prices
            .quote_at(date)
            .ok_or_else(|| format!("plugin `{plugin}` has no purchase price for {gpu}"))?;
        let what = if quote.note.is_empty() {
            String::new()
        } else {
            format!(": {}", quote.note)
        };
        Ok(Supplied {
            table: to_core_quantity(&quote.price),
            source: format!("{}, quote of {}{what}", source(p.plugin()), quote.date),
        })
    }

    fn rental_price(
        &self,
        plugin: &str,
        gpu: &str,
        provider: Option<&str>,
        commitment: Option<&str>,
        date: &str,
    ) -> Result<Supplied, String> {
        use traincost_plugin::payload::Commitment;
        let commitment = match commitment {
            None => None,
            Some("on_demand") => Some(Commitment::OnDemand),
            Some("one_year") => Some(Commitment::OneYear),
            Some("three_year") => Some(Commitment::ThreeYear),
            Some(other) => {
                return Err(format!(
                    "unknown commitment `{}`: use on_demand, one_year or three_year",
                    traincost_claims::excerpt(other)
                ));
            }
        };
        let p = self.0.pricing(plugin).map_err(|d| d.to_string())?;
        let prices = p
            .rental_prices(gpu, provider, commitment)
            .map_err(|d| d.to_string())?;
        let q = prices
            .quote_at(date)
            .ok_or_else(|| format!("plugin `{plugin}` has no rental price for {gpu}"))?;
        let what = if q.note.is_empty() {
            String::new()
        } else {
            format!(": {}", q.note)
        };
        Ok(Supplied {
            table: to_core_quantity(&q.price),
            source: format!(
                "{}, {} {} quote of {}{what}",
                source(p.plugin()),
                q.provider,
                q.commitment.as_str(),
                q.date
            ),
        })
    }

    fn grid_intensity(
        &self,
        plugin: &str,
        region: &str,
        year: i32,
        accounting: Accounting,
    ) -> Result<Supplied, String> {
        use traincost_plugin::payload::Basis;
        if traincost_plugin::catalog::canonical_region(region).is_none() {
            let close = traincost_plugin::catalog::suggest_regions(region);
            return Err(format!(
                "unknown region `{}`{}",
                traincost_claims::excerpt(region),
                if close.is_empty() {
                    "; regions are ISO 3166 countries (`FR`), US states (`US-IA`) or groups (`EU27`, `WORLD`)".to_owned()
                } else {
                    format!("; did you mean {}?", close.join(", "))
                }
            ));
        }
        let basis = match accounting {
            Accounting::Location => Basis::Location,
            Accounting::Market => Basis::Market,
        };
        let p = self.0.grid(plugin).map_err(|d| d.to_string())?;
        let g = p
            .intensity(region, year, basis)
            .map_err(|d| d.to_string())?;
        let data_year = if g.data_year == year {
            format!("{year}")
        } else {
            format!("{} (the latest figure for {year})", g.data_year)
        };
        let note = if g.note.is_empty() {
            String::new()
        } else {
            format!(": {}", g.note)
        };
        Ok(Supplied {
            table: to_core_quantity(&g.intensity),
            source: format!(
                "{}, {accounting}-based intensity of {} in {data_year}{note}",
                source(p.plugin()),
                g.region
            ),
        })
    }

    fn compensation(&self, plugin: &str, role: &str, year: i32) -> Result<Supplied, String> {
        let p = self.0.salary(plugin).map_err(|d| d.to_string())?;
        let pay = p.compensation(role, year).map_err(|d| d.to_string())?;
        Ok(Supplied {
            table: to_core_quantity(&pay.loaded_usd),
            source: format!(
                "{}, {role} in {} {year}, fully loaded",
                source(p.plugin()),
                pay.region
            ),
        })
    }
}
