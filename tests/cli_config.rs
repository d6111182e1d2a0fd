//! `cxone-console config show|init`, run as a user would.

mod cli_support;

use cli_support::{CLIENT_SECRET, CLIENT_SECRET_ENV, Home, WEBHOOK_SECRET, WEBHOOK_SECRET_ENV};

const PRODUCTION: &str = r#"
profile = "sandbox"

[profiles.production]
kind = "tenant"
base_url = "https://api-na1.example.com"
client_id = "console-prod"
client_secret_env = "CXONE_TEST_CLIENT_SECRET"

[profiles.filed]
kind = "tenant"
base_url = "https://api-na1.example.com"
client_id = "console-filed"
client_secret_file = "client_secret"

[webhooks]
secret_env = "CXONE_TEST_WEBHOOK_SECRET"
crm = "https://crm.example.com/hooks/dispositions"
"#;

#[tokio::test]
async fn config_show_says_where_secrets_come_from_and_never_prints_them() {
    let home = Home::new();
    home.write_config(PRODUCTION);
    let env = [(CLIENT_SECRET_ENV, CLIENT_SECRET), (WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)];
    let ran = home.run(&["config", "show", "--profile", "production"], &env).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.contains(&format!("client_secret_env = \"{CLIENT_SECRET_ENV}\"")), "{}", ran.stdout);
    assert!(ran.stdout.contains(&format!("secret_env = \"{WEBHOOK_SECRET_ENV}\"")), "{}", ran.stdout);
    assert!(ran.stdout.contains("client_id = \"console-prod\""), "{}", ran.stdout);
    for secret in [CLIENT_SECRET, WEBHOOK_SECRET, "Y2xpLXRlc3Qtd2ViaG9vay1zaWduaW5nLWtleSE"] {
        assert!(!ran.stdout.contains(secret) && !ran.stderr.contains(secret), "{secret} was shown");
    }
}

/// Saved as config.toml, what `config show` prints loads to the same
/// settings: it shows the same again, but for the line that says where it read them.
#[tokio::test]
async fn config_show_reads_back_as_the_same_settings() {
    async fn shown(home: &Home) -> String {
        let env = [(CLIENT_SECRET_ENV, CLIENT_SECRET), (WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)];
        let ran = home.run(&["config", "show", "--profile", "production"], &env).await;
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        ran.stdout
    }
    let home = Home::new();
    home.write_config(PRODUCTION);
    let first = shown(&home).await;
    assert!(first.contains("# profiles.production: tokens are asked of https://"), "{first}");
    let again = Home::new();
    again.write_config(&first);
    let second = shown(&again).await;
    let body = |text: &str, home: &Home| text.replace(&home.path().display().to_string(), "<home>");
    assert_eq!(body(&first, &home), body(&second, &again));
}

#[cfg(unix)]
#[tokio::test]
async fn a_secret_file_others_can_read_is_used_with_a_warning_on_stderr() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    home.write_config(PRODUCTION);
    let secret_file = home.path().join("config").join("client_secret");
    std::fs::write(&secret_file, format!("{CLIENT_SECRET}\n")).unwrap();
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let ran =
        home.run(&["config", "show", "--profile", "filed"], &[(WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)]).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stderr.contains("warning:") && ran.stderr.contains("chmod 600"), "{}", ran.stderr);
    let file = secret_file.display().to_string();
    assert!(ran.stdout.contains(&format!("client_secret_file = \"{file}\"")), "{}", ran.stdout);
    assert!(!ran.stdout.contains(CLIENT_SECRET) && !ran.stderr.contains(CLIENT_SECRET));
}

#[tokio::test]
async fn config_init_writes_the_template_once_and_then_refuses() {
    let home = Home::new();
    let ran = home.run(&["config", "init"], &[]).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.contains(&home.config_file().display().to_string()), "{}", ran.stdout);
    let written = std::fs::read_to_string(home.config_file()).unwrap();
    assert_eq!(written, cxone_console::config::TEMPLATE);

    std::fs::write(home.config_file(), "operator = \"jdoe\"\n").unwrap();
    let again = home.run(&["config", "init"], &[]).await;
    assert_ne!(again.code, Some(0), "a second init is refused");
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(home.config_file()).unwrap(), "operator = \"jdoe\"\n", "untouched");

    let shown = home.run(&["config", "show"], &[]).await;
    assert_eq!(shown.code, Some(0), "{}", shown.stderr);
    assert!(shown.stdout.contains("operator = \"jdoe\""), "{}", shown.stdout);
}

#[tokio::test]
async fn a_broken_setting_is_named_by_file_line_and_key() {
    let home = Home::new();
    home.write_config("[engine]\nbatch_concurrency = 8\nrefresh_secs = 0\n");
    let ran = home.run(&["config", "show"], &[]).await;
    assert_eq!(ran.code, Some(2));
    let place = format!("{}:3", home.config_file().display());
    assert!(ran.stderr.contains(&place), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("[engine] refresh_secs") && ran.stderr.contains("out of range"),
        "{}",
        ran.stderr
    );
    assert!(ran.stdout.is_empty());
}

#[tokio::test]
async fn config_show_still_shows_the_settings_when_a_secret_cannot_be_read() {
    let home = Home::new();
    home.write_config(PRODUCTION);
    // Neither variable is set: the settings show, and each secret is named
    // as unreadable, with why, on stderr.
    let ran = home.run(&["config", "show", "--profile", "production"], &[]).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.contains("client_id = \"console-prod\""), "{}", ran.stdout);
    assert!(
        ran.stdout.contains(&format!(
            "# profiles.production: the client secret: cannot be read now (env {CLIENT_SECRET_ENV})"
        )),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains(&format!(
            "# webhooks: the signing secret: cannot be read now (env {WEBHOOK_SECRET_ENV})"
        )),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stderr.contains(&format!("environment variable {CLIENT_SECRET_ENV} is not set")),
        "{}",
        ran.stderr
    );
    // Anything that would use them still refuses.
    let applied =
        home.run(&["apply", "--profile", "production", "--dry-run", "--file", "nowhere.jsonl"], &[]).await;
    assert_ne!(applied.code, Some(0));
    assert!(
        applied.stderr.contains(&format!("environment variable {CLIENT_SECRET_ENV} is not set")),
        "{}",
        applied.stderr
    );
}

#[tokio::test]
async fn the_profile_may_be_named_before_the_command_or_after_it() {
    let home = Home::new();
    home.write_config(PRODUCTION);
    let env = [(CLIENT_SECRET_ENV, CLIENT_SECRET), (WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)];
    for args in
        [&["--profile", "production", "config", "show"][..], &["config", "show", "--profile", "production"]]
    {
        let ran = home.run(args, &env).await;
        assert_eq!(ran.code, Some(0), "{args:?}: {}", ran.stderr);
        assert!(ran.stdout.contains("profile = \"production\""), "{args:?}: {}", ran.stdout);
    }
    // Where a profile means nothing, naming one is a mistake, said as such,
    // before the command or after it, and the command's help does not offer it.
    for args in [
        &["--profile", "production", "audit", "verify"][..],
        &["audit", "verify", "--profile", "production"],
        &["audit", "--profile", "production", "export", "--format", "csv"],
        &["sandbox", "--profile", "production"],
    ] {
        let ran = home.run(args, &env).await;
        assert_eq!(ran.code, Some(2), "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("--profile: applies to the console, apply, outbox and config show"),
            "{args:?}: {}",
            ran.stderr
        );
    }
    // config init writes one template for all profiles, and --read-only is
    // the console's alone: both are refused elsewhere, in words that fit.
    let init = home.run(&["config", "init", "--profile", "production"], &env).await;
    assert_eq!(init.code, Some(2), "{}", init.stderr);
    assert!(init.stderr.contains("config init writes one template for every profile"), "{}", init.stderr);
    for (args, says) in [
        (&["--read-only", "sandbox"][..], "--read-only: applies only to the console (no command), not here"),
        (&["--read-only", "apply", "--file", "x.jsonl"], "apply --dry-run previews a file"),
    ] {
        let ran = home.run(args, &env).await;
        assert_eq!(ran.code, Some(2), "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains(says), "{args:?}: {}", ran.stderr);
    }
    for command in [&["sandbox", "--help"][..], &["audit", "verify", "--help"], &["audit", "--help"]] {
        let help = home.run(command, &env).await;
        assert_eq!(help.code, Some(0), "{command:?}: {}", help.stderr);
        assert!(!help.stdout.contains("--profile"), "{command:?} offers --profile: {}", help.stdout);
    }
    let help = home.run(&["apply", "--help"], &env).await;
    assert!(help.stdout.contains("--profile"), "apply takes a profile: {}", help.stdout);
    let ran = home.run(&["--profile", "nowhere", "outbox"], &env).await;
    assert_eq!(ran.code, Some(2), "a listing names a missing profile too: {}", ran.stderr);
    // Named twice, neither is chosen for the other.
    let ran = home.run(&["--profile", "production", "config", "show", "--profile=sandbox"], &env).await;
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("--profile: given 2 times (production, sandbox); give it once"),
        "{}",
        ran.stderr
    );
}

/// A config whose active profile is the sandbox, keeping a tenant profile
/// `later` at `base_url` for another day, its secret unset.
fn with_a_later_profile(base_url: &str) -> String {
    format!(
        "profile = \"sandbox\"\n\n[profiles.sandbox]\nkind = \"sandbox\"\n\n\
         [profiles.later]\nkind = \"tenant\"\nbase_url = \"{base_url}\"\n\
         client_id = \"console-later\"\nclient_secret_env = \"LATER_SECRET\"\n"
    )
}

/// `config show` shows the active profile, and checks the others too: one
/// kept for later that could not run says so now, on stderr, and the
/// settings are still shown.
#[tokio::test]
async fn config_show_checks_the_profiles_not_in_use() {
    let home = Home::new();
    // Two faults, each said as of a profile not in use: a wrong scheme, and
    // (once that is mended) a secret not set now.
    for (base_url, named) in
        [("ftp://tenant.example.com", "profiles.later"), ("https://tenant.example.com", "LATER_SECRET")]
    {
        home.write_config(&with_a_later_profile(base_url));
        let ran = home.run(&["config", "show"], &[]).await;
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        assert!(ran.stdout.contains("profile = \"sandbox\""), "{}", ran.stdout);
        assert!(
            ran.stderr.contains(named) && ran.stderr.contains("a profile not in use now"),
            "{}",
            ran.stderr
        );
        assert!(!ran.stderr.contains("nothing can run until this is fixed"), "{}", ran.stderr);
    }
    // Running never reads the idle profile: its unset secret is no concern.
    let ran = home.run(&["apply", "--file", "/nonexistent/changes.jsonl", "--dry-run"], &[]).await;
    assert!(!ran.stderr.contains("profiles.later"), "{}", ran.stderr);
}

/// With no config.toml, a profile asked for is not in a file that is not
/// there: the error says so, and how to make one, rather than naming it.
#[tokio::test]
async fn a_profile_asked_for_with_no_config_file_says_there_is_none() {
    let home = Home::new();
    let ran = home.run(&["config", "show", "--profile", "production"], &[]).await;
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(ran.stderr.contains("--profile production: there is no "), "{}", ran.stderr);
    assert!(ran.stderr.contains("config init"), "{}", ran.stderr);
    home.write_config(PRODUCTION);
    let ran = home.run(&["config", "show", "--profile", "staging"], &[]).await;
    assert!(ran.stderr.contains("has no profile named \"staging\""), "{}", ran.stderr);
}
