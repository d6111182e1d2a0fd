//! Every mistake in config.toml is reported with its line, table and key.

use cxone_console::config::{Config, ConfigError, Environment, KeyPath, Paths};

/// Loads `text` as config.toml from a fresh home.
fn load(text: &str) -> Result<Config, ConfigError> {
    let home = tempfile::tempdir().expect("a temp dir");
    let paths = Paths::under(home.path());
    std::fs::create_dir_all(paths.config_dir()).expect("config dir");
    std::fs::write(paths.config_file(), text).expect("config written");
    let env = Environment::fixed([("USER", "jdoe"), ("PROD_SECRET", "s3cr3t")]);
    Config::load(&paths, &env).map(|loaded| loaded.config)
}

/// Asserts that `text` is refused for `key` in `table` on `line`, with a
/// message containing `says`.
#[track_caller]
fn refused(text: &str, table: &str, key: &str, line: usize, says: &str) {
    let error = match load(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(error) => error,
    };
    let shown = error.to_string();
    assert_eq!(error.key(), Some(&KeyPath::new(table, key)), "{shown}");
    assert_eq!(error.line(), Some(line), "{shown}");
    assert!(shown.contains(says), "{shown:?} does not say {says:?}");
    assert!(shown.contains(&format!("config.toml:{line}:")), "{shown:?} has no file:line");
    let named = if table.is_empty() { key.to_string() } else { format!("[{table}] {key}") };
    assert!(shown.contains(&named), "{shown:?} does not name {named}");
}

const TENANT: &str = "[profiles.prod]\nkind = \"tenant\"\nbase_url = \"https://api.example.com\"\n\
                      client_id = \"console\"\nclient_secret_env = \"PROD_SECRET\"\n";

#[test]
fn unknown_keys_are_named_with_their_table() {
    refused("operater = \"x\"\n", "", "operater", 1, "unknown key `operater`");
    refused(
        "[engine]\nrefresh_secs = 5\nbatch_concurency = 4\n",
        "engine",
        "batch_concurency",
        3,
        "unknown key",
    );
    refused("[ui]\ncolour = \"blue\"\n", "ui", "colour", 2, "unknown key `colour`");
    refused("[webhooks]\nanalytics = \"https://a.example.com\"\n", "webhooks", "analytics", 2, "unknown key");
    refused(&format!("{TENANT}region = \"na1\"\n"), "profiles.prod", "region", 6, "unknown key `region`");
    refused(
        "[profiles.sandbox]\nkind = \"sandbox\"\n[profiles.sandbox.size]\nskills = 3\n",
        "profiles.sandbox.size",
        "skills",
        4,
        "unknown key",
    );
}

#[test]
fn wrong_types_are_named_with_their_table() {
    refused("[engine]\nbatch_concurrency = \"eight\"\n", "engine", "batch_concurrency", 2, "invalid type");
    refused("[ui]\nread_only = \"yes\"\n", "ui", "read_only", 2, "invalid type");
    refused("[engine]\n\nconflict_retries = -1\n", "engine", "conflict_retries", 3, "-1");
    refused("profile = 3\n", "", "profile", 1, "invalid type");
    refused(
        "[profiles.sandbox]\nkind = \"sandbox\"\nfaults = \"hurricane\"\n",
        "profiles.sandbox",
        "faults",
        3,
        "hurricane",
    );
    refused("[profiles.x]\nkind = \"cloud\"\n", "profiles.x", "kind", 2, "cloud");
    // An unquoted word TOML takes for a broken boolean: said as the slip it is.
    refused("operator = tdoe\n", "", "operator", 1, "text goes in quotes: key = \"value\"");
    let secret = "[profiles.prod]\nkind = \"tenant\"\nclient_secret = TopSecretUnquoted\n";
    refused(secret, "profiles.prod", "client_secret", 3, "secrets never go in config.toml");
    assert!(!load(secret).unwrap_err().to_string().contains("TopSecret"));
}

#[test]
fn values_out_of_range_say_what_is_allowed() {
    refused("[engine]\nbatch_concurrency = 0\n", "engine", "batch_concurrency", 2, "use 1 to 50");
    refused("[engine]\nbatch_concurrency = 51\n", "engine", "batch_concurrency", 2, "use 1 to 50");
    refused("[engine]\ncampaign_rate = 0.0\n", "engine", "campaign_rate", 2, "0.1 to 1000");
    refused(
        "[engine]\ndeadline_secs = 10\nrequest_timeout_secs = 20\n",
        "engine",
        "request_timeout_secs",
        3,
        "exceeds deadline_secs",
    );
    refused("[ui]\nmax_fps = 1000\n", "ui", "max_fps", 2, "use 1 to 120");
    refused(
        "[profiles.sandbox]\nkind = \"sandbox\"\n[profiles.sandbox.size]\ncampaigns = 100\ncontacts_per_campaign = 5000\n",
        "profiles.sandbox.size",
        "contacts_per_campaign",
        5,
        "100000 contacts in all",
    );
}

#[test]
fn profile_mistakes_are_named() {
    refused("profile = \"prod\"\n", "", "profile", 1, "no profile named \"prod\"");
    refused(&format!("{TENANT}seed = 4\n"), "profiles.prod", "seed", 6, "applies only to kind = \"sandbox\"");
    refused(
        "[profiles.sandbox]\nkind = \"sandbox\"\nclient_id = \"x\"\n",
        "profiles.sandbox",
        "client_id",
        3,
        "kind = \"tenant\"",
    );
    let no_url = TENANT.replace("base_url = \"https://api.example.com\"\n", "");
    refused(&format!("profile = \"prod\"\n{no_url}"), "profiles.prod", "base_url", 3, "is required");
    let plain = TENANT.replace("https://api.example.com", "http://api.example.com");
    refused(&format!("profile = \"prod\"\n{plain}"), "profiles.prod", "base_url", 4, "use https");
    let bad_path = format!("profile = \"prod\"\n{TENANT}token_path = \"oauth/token\"\n");
    refused(&bad_path, "profiles.prod", "token_path", 7, "starting with /");
    for query in ["/oauth/token?x=1", "/oauth/token#frag"] {
        let bad_path = format!("profile = \"prod\"\n{TENANT}token_path = \"{query}\"\n");
        refused(&bad_path, "profiles.prod", "token_path", 7, "a query (?) or a fragment (#)");
    }
    let bad_scope =
        format!("profile = \"prod\"\n{TENANT}scopes = [\"interactions:write dispositions:read\"]\n");
    refused(&bad_scope, "profiles.prod", "scopes", 7, "one scope per string");
}

#[test]
fn a_profile_asked_for_on_the_command_line_and_missing_is_named_as_the_options() {
    let home = tempfile::tempdir().expect("a temp dir");
    let paths = Paths::under(home.path());
    std::fs::create_dir_all(paths.config_dir()).expect("config dir");
    std::fs::write(paths.config_file(), TENANT).expect("config written");
    let env = Environment::fixed([("PROD_SECRET", "s3cr3t")]);
    let error = Config::load_with_profile(&paths, &env, Some("nope")).expect_err("refused");
    let shown = error.to_string();
    assert!(shown.starts_with("--profile nope: "), "{shown}");
    assert!(shown.contains("has no profile named \"nope\"; choose one of: sandbox, prod"), "{shown}");
    assert_eq!(error.key(), None, "no key of the file is at fault");
}

#[test]
fn webhook_urls_must_be_web_urls() {
    refused("[webhooks]\ncrm = \"ftp://crm.example.com/hook\"\n", "webhooks", "crm", 2, "http or https");
    refused("[webhooks]\nwfm = \"not a url\"\n", "webhooks", "wfm", 2, "is not a URL");
    refused(
        "[webhooks]\ndisposition = \"http://analytics.example.com/x\"\n",
        "webhooks",
        "disposition",
        2,
        "use https",
    );
}

#[test]
fn broken_toml_is_reported_with_its_line() {
    let error = load("profile = \"sandbox\"\n[engine\nrefresh_secs = 5\n").expect_err("refused");
    assert_eq!(error.line(), Some(2), "{error}");
    assert!(error.to_string().contains("config.toml:2"), "{error}");
}

#[test]
fn a_good_tenant_profile_loads() {
    let config = load(&format!("profile = \"prod\"\n{TENANT}")).expect("a valid tenant profile");
    assert_eq!(config.profile_name(), "prod");
    let plain_local = TENANT.replace("https://api.example.com", "http://127.0.0.1:8080");
    assert!(load(&format!("profile = \"prod\"\n{plain_local}")).is_ok(), "http to this machine is allowed");
}

/// A profile's sub-table written first (to size the sandbox, say) makes the
/// profile's table without its `kind`: the error names the profile's table,
/// not the sub-table, where adding `kind` would be refused again.
#[test]
fn a_profile_without_its_kind_is_named_even_when_only_a_sub_table_makes_it() {
    for text in [
        "[profiles.sandbox.size]\nagents = 50\n",
        "[profiles.sandbox]\n[profiles.sandbox.size]\nagents = 50\n",
    ] {
        let error = load(text).expect_err("a profile without its kind");
        let shown = error.to_string();
        assert_eq!(error.key(), Some(&KeyPath::table("profiles.sandbox")), "{shown}");
        assert!(shown.contains("kind = \"sandbox\" or kind = \"tenant\""), "{shown}");
        assert!(shown.contains("under its own [profiles.sandbox] line"), "{shown}");
    }
    // A quoted name holding a dot is one profile, named as config.toml writes it.
    let error =
        load("profile = \"my.prod\"\n[profiles.\"my.prod\".size]\nagents = 5\n").expect_err("no kind");
    assert_eq!(error.key(), Some(&KeyPath::table("profiles.\"my.prod\"")), "{error}");
    assert!(error.to_string().contains("under its own [profiles.\"my.prod\"] line"), "{error}");
}
