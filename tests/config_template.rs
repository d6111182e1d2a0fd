//! `config init` and `config show`: the template and the effective settings.

use cxone_console::config::{Config, ConfigError, Environment, Paths, Profile, TEMPLATE, init};

fn env() -> Environment {
    Environment::fixed([("USER", "jdoe"), ("CXONE_CLIENT_SECRET", "cs-example")])
}

/// `show()` without its comment header, which says where settings came from.
fn settings(config: &Config) -> String {
    config.show().lines().skip_while(|line| line.starts_with('#')).collect::<Vec<_>>().join("\n")
}

#[test]
fn init_writes_the_template_and_it_loads_as_the_defaults() {
    let home = tempfile::tempdir().expect("a temp dir");
    let paths = Paths::under(home.path());
    let defaults = Config::load(&paths, &env()).expect("defaults load").config;

    let written = init(&paths).expect("init writes the template");
    assert_eq!(written, paths.config_file());
    assert_eq!(std::fs::read_to_string(&written).expect("readable"), TEMPLATE);

    let loaded = Config::load(&paths, &env()).expect("the template loads");
    assert!(loaded.warnings.is_empty());
    assert_eq!(loaded.config.file(), Some(written.as_path()));
    // Every setting the template spells out is the default it claims to be.
    assert_eq!(settings(&loaded.config), settings(&defaults));
}

#[test]
fn init_never_overwrites_an_existing_file() {
    let home = tempfile::tempdir().expect("a temp dir");
    let paths = Paths::under(home.path());
    std::fs::create_dir_all(paths.config_dir()).expect("config dir");
    std::fs::write(paths.config_file(), "operator = \"mine\"\n").expect("written");

    let error = init(&paths).expect_err("refused");
    assert!(matches!(error, ConfigError::Exists { .. }), "{error}");
    assert!(error.to_string().contains("already exists"), "{error}");
    assert_eq!(std::fs::read_to_string(paths.config_file()).expect("readable"), "operator = \"mine\"\n");
}

#[test]
fn the_templates_tenant_example_is_a_valid_profile_once_uncommented() {
    let mut text = String::new();
    let mut in_example = false;
    for line in TEMPLATE.lines() {
        in_example = in_example && !line.is_empty() || line == "# [profiles.production]";
        match line.strip_prefix("# ") {
            Some(setting) if in_example => text.push_str(setting),
            _ => text.push_str(line),
        }
        text.push('\n');
    }
    let text = text.replace("profile = \"sandbox\"", "profile = \"production\"");
    let home = tempfile::tempdir().expect("a temp dir");
    let paths = Paths::under(home.path());
    std::fs::create_dir_all(paths.config_dir()).expect("config dir");
    std::fs::write(paths.config_file(), &text).expect("written");

    let config = Config::load(&paths, &env()).expect("the example loads").config;
    let Profile::Tenant(tenant) = config.profile() else { panic!("the tenant example is active") };
    assert_eq!(tenant.base_url().as_str(), "https://api-na1.niceincontact.com/");
    assert!(tenant.scopes().iter().any(|s| s == "interactions:write"));
}

#[test]
fn show_gives_the_effective_settings_as_toml() {
    let home = tempfile::tempdir().expect("a temp dir");
    let paths = Paths::under(home.path());
    std::fs::create_dir_all(paths.config_dir()).expect("config dir");
    std::fs::write(paths.config_file(), "[engine]\nbatch_concurrency = 16\n").expect("written");
    let config = Config::load(&paths, &env()).expect("loads").config;

    let shown = config.show();
    let table: toml::Table = toml::from_str(&shown).expect("show prints TOML");
    assert_eq!(table["operator"].as_str(), Some("jdoe"));
    assert_eq!(table["profile"].as_str(), Some("sandbox"));
    assert_eq!(table["engine"]["batch_concurrency"].as_integer(), Some(16));
    assert_eq!(table["engine"]["conflict_retries"].as_integer(), Some(2), "defaults are filled in");
    assert_eq!(table["profiles"]["sandbox"]["kind"].as_str(), Some("sandbox"));
    assert_eq!(table["profiles"]["sandbox"]["faults"].as_str(), Some("none"));
    assert!(table["webhooks"].get("crm").is_none(), "an unset target stays unset: {shown}");
    assert!(shown.contains("# webhooks.crm: the sandbox's sink, <sandbox>/sandbox/webhooks/crm"), "{shown}");
    let config_file = paths.config_file().display().to_string();
    assert!(table.get("paths").is_none(), "the file sets no paths: {shown}");
    assert!(shown.contains(&format!("#   config_file  {config_file}\n")), "{shown}");
    assert!(shown.contains(&format!("# Read from {config_file}")), "{shown}");
}
