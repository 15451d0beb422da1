//! `claimtrack gazetteer`: look up places, add what GeoNames lacks, import a GeoNames dump
//! (the 19-column `CC.txt` / allCountries format), so another country is one import away.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::Subcommand;
use rusqlite::params;

use crate::cli::{Ctx, Done, Fatal};
use crate::gazetteer::{Gazetteer, PlaceRecord};

/// Ids given to places added by hand start here, far above GeoNames ids.
pub const USER_PLACE_ID_BASE: i64 = 900_000_000;

#[derive(Debug, Subcommand)]
pub enum GazetteerCommand {
    /// Show the places a name resolves to, with their parents.
    Find { name: String },
    /// Add a place GeoNames lacks (an air base, a mountain, a border crossing).
    Add {
        name: String,
        /// The place it lies in (a governorate, a city, a country), by any of its names.
        #[arg(long = "in")]
        parent: String,
        #[arg(long = "alias")]
        aliases: Vec<String>,
        #[arg(long, default_value = "site")]
        kind: String,
        #[arg(long, requires = "lon")]
        lat: Option<f64>,
        #[arg(long, requires = "lat")]
        lon: Option<f64>,
    },
    /// Import a GeoNames dump (19 tab-separated columns: CC.txt, cities500.txt, allCountries.txt).
    Import { file: PathBuf },
}

pub fn run(ctx: &Ctx, cmd: GazetteerCommand) -> Result<Done, Fatal> {
    match cmd {
        GazetteerCommand::Find { name } => find(ctx, &name),
        GazetteerCommand::Add { name, parent, aliases, kind, lat, lon } => {
            add(ctx, &name, &parent, aliases, &kind, lat, lon)
        }
        GazetteerCommand::Import { file } => import(ctx, &file),
    }
}

fn describe(g: &Gazetteer, id: i64) -> String {
    let Some(p) = g.get(id) else { return format!("#{id}") };
    let chain: Vec<String> = g.ancestors(id).iter().filter_map(|a| g.get(*a)).map(|a| a.display_name()).collect();
    format!(
        "{} [{}] #{}{}",
        p.display_name(),
        p.kind,
        p.id,
        if chain.is_empty() { String::new() } else { format!(" in {}", chain.join(" < ")) }
    )
}

fn find(ctx: &Ctx, name: &str) -> Result<Done, Fatal> {
    let conn = ctx.open()?;
    let g = Gazetteer::new(crate::db::load_places(&conn)?);
    let ids = g.lookup(name);
    let mut out = crate::cmd::stdout();
    if ids.is_empty() {
        writeln!(out, "No place named '{name}'.")?;
    }
    for id in ids {
        writeln!(out, "{}", describe(&g, id))?;
    }
    crate::cmd::finish(out)?;
    Ok(Done::Ok)
}

fn add(
    ctx: &Ctx,
    name: &str,
    parent: &str,
    aliases: Vec<String>,
    kind: &str,
    lat: Option<f64>,
    lon: Option<f64>,
) -> Result<Done, Fatal> {
    if name.trim().is_empty() {
        return Err(Fatal("gazetteer add: the name is empty".into()));
    }
    let mut conn = ctx.open()?;
    let g = Gazetteer::new(crate::db::load_places(&conn)?);
    let parents = g.lookup(parent);
    // Prefer a governorate or country when a name is shared ("Homs").
    let Some(&parent_id) = parents.iter().max_by_key(|&&p| match g.get(p).map(|r| r.kind.as_str()) {
        Some("admin1") => 3,
        Some("country") => 2,
        _ => 1,
    }) else {
        return Err(Fatal(format!("gazetteer add: no place named '{parent}' to put '{name}' in")));
    };
    let country = g.get(parent_id).and_then(|p| p.country.clone());
    let next: i64 = conn.query_row(
        "SELECT max(?1, coalesce(max(id), 0) + 1) FROM places WHERE id >= ?1",
        [USER_PLACE_ID_BASE],
        |r| r.get(0),
    )?;
    let rec = PlaceRecord {
        id: next,
        name: name.trim().to_string(),
        kind: kind.to_string(),
        country,
        parent: Some(parent_id),
        lat,
        lon,
        population: 0,
        alternates: aliases,
    };
    let mut tx = conn.transaction()?;
    crate::db::insert_places(&mut tx, std::slice::from_ref(&rec))?;
    tx.commit()?;
    let g = Gazetteer::new(crate::db::load_places(&conn)?);
    let mut out = crate::cmd::stdout();
    writeln!(out, "added {}", describe(&g, rec.id))?;
    crate::cmd::finish(out)?;
    Ok(Done::Ok)
}

/// Reads GeoNames' main table: geonameid, name, asciiname, alternatenames, lat, lon,
/// feature class, feature code, country code, cc2, admin1..admin4, population, elevation,
/// dem, timezone, modification date. Admin1 divisions (ADM1) become parents of the places
/// in them; countries must already exist (the built-in gazetteer has them all).
fn import(ctx: &Ctx, file: &PathBuf) -> Result<Done, Fatal> {
    let f = std::fs::File::open(file).map_err(|e| Fatal(format!("{}: {e}", file.display())))?;
    let mut conn = ctx.open()?;
    let mut rows: Vec<(PlaceRecord, String, String, String)> = Vec::new(); // (record, feature code, country, admin1)
    let mut skipped = 0usize;
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| Fatal(format!("{}:{}: {e}", file.display(), i + 1)))?;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() != 19 {
            return Err(Fatal(format!(
                "{}:{}: expected 19 tab-separated columns (GeoNames format), found {}",
                file.display(),
                i + 1,
                c.len()
            )));
        }
        let Ok(id) = c[0].parse::<i64>() else {
            return Err(Fatal(format!("{}:{}: geonameid '{}' is not a number", file.display(), i + 1, c[0])));
        };
        let class = c[6];
        let code = c[7];
        let kind = match (class, code) {
            ("A", "ADM1") => "admin1",
            ("A", "PCLI") => "country",
            ("P", _) => "city",
            ("S", c) if c.starts_with("AIR") => "airbase",
            ("T", "MT" | "MTS" | "HLL") => "mountain",
            ("A", "ADM2") => "district",
            _ => {
                skipped += 1;
                continue;
            }
        };
        let alternates: Vec<String> = c[3]
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .chain([c[2].to_string()])
            .collect();
        rows.push((
            PlaceRecord {
                id,
                name: c[1].to_string(),
                kind: kind.to_string(),
                country: Some(c[8].to_string()),
                parent: None,
                lat: c[4].parse().ok(),
                lon: c[5].parse().ok(),
                population: c[14].parse().unwrap_or(0),
                alternates,
            },
            code.to_string(),
            c[8].to_string(),
            c[10].to_string(),
        ));
    }
    // Parents: a place's ADM1 (same country and admin1 code) from this file, else its country
    // (the database does not keep admin1 codes).
    let countries: std::collections::HashMap<String, i64> = {
        let mut stmt = conn.prepare("SELECT country, id FROM places WHERE kind = 'country' AND country IS NOT NULL")?;
        let m = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?.collect::<Result<_, _>>()?;
        m
    };
    let adm1: std::collections::HashMap<(String, String), i64> = rows
        .iter()
        .filter(|(_, code, ..)| code == "ADM1")
        .map(|(r, _, cc, a1)| ((cc.clone(), a1.clone()), r.id))
        .collect();
    let records: Vec<PlaceRecord> = rows
        .into_iter()
        .map(|(mut r, code, cc, a1)| {
            r.parent = if code == "ADM1" || r.kind == "country" {
                countries.get(&cc).copied().filter(|&p| p != r.id)
            } else {
                adm1.get(&(cc.clone(), a1)).copied().or_else(|| countries.get(&cc).copied())
            };
            r
        })
        .collect();
    let tx_count = records.len();
    let mut tx = conn.transaction()?;
    crate::db::insert_places(&mut tx, &records)?;
    tx.execute("UPDATE places SET kind = kind WHERE id = ?1", params![0])?;
    tx.commit()?;
    let mut out = crate::cmd::stdout();
    writeln!(
        out,
        "imported {tx_count} places from {} ({skipped} rows of other feature classes left out)",
        file.display()
    )?;
    crate::cmd::finish(out)?;
    Ok(Done::Ok)
}
