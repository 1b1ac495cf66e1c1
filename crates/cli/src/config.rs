//! The server configuration of `session` and `serve`: a profile, a TOML file over it.

use mailroom_smtp::{profile, Config, Mode};
use std::path::Path;

/// Profile (or the LMTP profile with --lmtp), then the TOML file on top, then validation.
pub fn load(profile_name: Option<&str>, path: Option<&Path>, lmtp: bool) -> Result<Config, String> {
    let file: Option<toml::Table> = match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            Some(
                text.parse::<toml::Table>()
                    .map_err(|e| format!("{}: {e}", p.display()))?,
            )
        }
        None => None,
    };
    let name = profile_name
        .map(str::to_owned)
        .or_else(|| {
            file.as_ref()
                .and_then(|t| t.get("profile"))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| {
            if lmtp {
                "lmtp".into()
            } else {
                "everything".into()
            }
        });
    let base = profile::profile(&name).ok_or_else(|| {
        let names: Vec<&str> = profile::PROFILES.iter().map(|p| p.name).collect();
        format!(
            "profile: unknown profile \"{name}\" (known: {})",
            names.join(", ")
        )
    })?;
    let mut config = match file {
        Some(table) => {
            let mut merged = toml::Table::try_from(&base).map_err(|e| e.to_string())?;
            merge(&mut merged, table);
            let where_ = path.map(|p| p.display().to_string()).unwrap_or_default();
            merged
                .try_into::<Config>()
                .map_err(|e| format!("{where_}: {}", e.to_string().trim()))?
        }
        None => base,
    };
    if lmtp {
        config.mode = Mode::Lmtp;
    }
    config.validate()?;
    Ok(config)
}

fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}
