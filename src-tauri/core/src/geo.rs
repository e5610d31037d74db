//! Countries and their regions: ISO 3166-1 and ISO 3166-2 as the `rust_iso3166` crate
//! bundles them, so an address names a country and a region every system reads alike.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Country {
    /// ISO 3166-1 alpha-2.
    pub code: String,
    pub name: String,
    /// Whether an address in it must name one of its regions.
    pub has_regions: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Region {
    /// ISO 3166-2, the country's code first: `US-CA`.
    pub code: String,
    pub name: String,
}

fn of(c: &rust_iso3166::CountryCode) -> Country {
    Country {
        code: c.alpha2.to_string(),
        name: c.name.to_string(),
        has_regions: c.subdivisions().is_some_and(|s| !s.is_empty()),
    }
}

/// Every country, by name.
pub fn countries() -> Vec<Country> {
    let mut all: Vec<Country> = rust_iso3166::ALL.iter().map(of).collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

/// The country with this alpha-2 code, in any case.
pub fn country(code: &str) -> Option<Country> {
    rust_iso3166::from_alpha2(&code.trim().to_ascii_uppercase()).map(|c| of(&c))
}

/// The country's regions, by name; none for a country that has none (or is unknown).
pub fn regions(country: &str) -> Vec<Region> {
    let Some(c) = rust_iso3166::from_alpha2(&country.trim().to_ascii_uppercase()) else {
        return Vec::new();
    };
    let mut all: Vec<Region> = c
        .subdivisions()
        .unwrap_or_default()
        .iter()
        .map(|s| Region {
            code: s.code.to_string(),
            name: s.name.to_string(),
        })
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
    all
}

/// The region `code` names in `country`: its full ISO 3166-2 code (`US-CA`) or the part
/// after the country's (`CA`), in any case. `None` when the country has no such region.
pub fn region(country: &str, code: &str) -> Option<Region> {
    let country = country.trim().to_ascii_uppercase();
    let code = code.trim().to_ascii_uppercase();
    let full = if code.contains('-') {
        code
    } else {
        format!("{country}-{code}")
    };
    let s = rust_iso3166::iso3166_2::from_code(&full)?;
    (s.country_code == country).then(|| Region {
        code: s.code.to_string(),
        name: s.name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_carry_their_regions() {
        let us = country("us").unwrap();
        assert!(us.has_regions);
        assert_eq!(us.code, "US");
        assert_eq!(region("US", "ca").unwrap().name, "California");
        assert_eq!(region("us", "US-TX").unwrap().code, "US-TX");
        assert_eq!(region("DE", "US-TX"), None);
        assert!(regions("US").iter().any(|r| r.code == "US-NY"));
        assert!(countries().iter().any(|c| !c.has_regions));
        assert_eq!(country("XX"), None);
        assert!(regions("XX").is_empty());
    }
}
