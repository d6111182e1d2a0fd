//! With no config.toml: the sandbox profile and every default.

use cxone_console::config::{
    Config, DEFAULT_PROFILE, Destination, Environment, HOME_ENV, Paths, Profile, WebhookSecret, WebhookTarget,
};
use cxone_console::sandbox::FaultProfile;
use std::time::Duration;

fn user(name: &str) -> Environment {
    Environment::fixed([("USER", name)])
}

#[test]
fn no_file_means_the_sandbox_with_every_default() {
    let home = tempfile::tempdir().expect("a temp dir");
    let paths = Paths::under(home.path());
    let loaded = Config::load(&paths, &user("jdoe")).expect("defaults load");
    assert!(loaded.warnings.is_empty());
    let config = loaded.config;

    assert_eq!(config.file(), None);
    assert_eq!(config.operator(), "jdoe");
    assert_eq!(config.profile_name(), DEFAULT_PROFILE);
    let Profile::Sandbox(sandbox) = config.profile() else { panic!("the default profile is the sandbox") };
    assert_eq!(sandbox.seed(), 42);
    assert_eq!(sandbox.faults(), FaultProfile::None);
    assert_eq!(sandbox.token_ttl(), Duration::from_secs(3600));
    assert_eq!(sandbox.size().agents, 200);

    for target in WebhookTarget::ALL {
        assert_eq!(config.webhooks().destination(target), Some(&Destination::SandboxSink), "{target:?}");
    }
    assert!(matches!(config.webhooks().secret(), Some(WebhookSecret::SandboxSink)));

    let engine = config.engine();
    assert_eq!(engine.campaign_rate(), 10.0);
    assert_eq!(engine.batch_concurrency(), 8);
    assert_eq!(engine.conflict_retries(), 2, "document 000: three attempts in all");
    assert_eq!(engine.refresh(), Duration::from_secs(5));
    assert_eq!(engine.retry().max_attempts(), 3);
    assert_eq!(engine.retry().deadline(), Duration::from_secs(30));
    assert!(engine.retry().request_timeout() <= engine.retry().deadline());
    assert!(!config.ui().read_only());
    assert_eq!(config.ui().tick_rate(), Duration::from_millis(250));
    assert_eq!(config.ui().max_fps(), 30);
}

#[test]
fn the_operator_is_the_os_user_else_the_process_account() {
    let home = tempfile::tempdir().expect("a temp dir");
    let paths = Paths::under(home.path());
    let operator =
        |env: Environment| Config::load(&paths, &env).expect("defaults load").config.operator().to_string();
    assert_eq!(operator(Environment::fixed([("USERNAME", "WinUser")])), "WinUser");
    assert_eq!(operator(Environment::fixed([("USER", "linuxuser"), ("USERNAME", "WinUser")])), "linuxuser");
    assert_eq!(operator(Environment::fixed([("USER", ""), ("LOGNAME", "login")])), "login");
    // Without the variables, the account that owns this process.
    let account = operator(Environment::fixed::<&str, &str>([]));
    assert!(!account.is_empty(), "{account}");
    assert_eq!(operator(Environment::fixed([("USER", " ")])), account);
}

#[test]
fn cxone_console_home_moves_every_directory() {
    let home = tempfile::tempdir().expect("a temp dir");
    let env = Environment::fixed([(HOME_ENV, home.path().to_string_lossy().into_owned())]);
    let paths = Paths::resolve(&env).expect("paths resolve");
    assert_eq!(paths.config_dir(), home.path().join("config"));
    assert_eq!(paths.data_dir(), home.path().join("data"));
    assert_eq!(paths.state_dir(), home.path().join("state"));
    assert_eq!(paths.config_file(), home.path().join("config").join("config.toml"));
    assert!(paths.audit_log().starts_with(home.path().join("data")));
    assert!(paths.outbox_dir().starts_with(home.path().join("data")));
    assert!(paths.log_dir().starts_with(home.path().join("state")));
    assert!(paths.keymap_file().starts_with(paths.config_dir()));
    assert!(paths.theme_file().starts_with(paths.config_dir()));
}

#[test]
fn without_cxone_console_home_the_platform_directories_are_used() {
    // Only computes paths: nothing is created or read.
    let paths = Paths::resolve(&Environment::fixed::<&str, &str>([])).expect("the platform's directories");
    for dir in [paths.config_dir(), paths.data_dir(), paths.state_dir()] {
        assert!(dir.to_string_lossy().contains("cxone-console"), "{}", dir.display());
    }
    assert_ne!(paths.config_dir(), paths.data_dir());
}

#[test]
fn the_sandbox_profile_shapes_the_sandbox_it_starts() {
    let home = tempfile::tempdir().expect("a temp dir");
    let paths = Paths::under(home.path());
    std::fs::create_dir_all(paths.config_dir()).expect("config dir");
    let text = "[profiles.sandbox]\nkind = \"sandbox\"\nseed = 7\nfaults = \"storm\"\ntoken_ttl_secs = 90\n\
                [profiles.sandbox.size]\nagents = 12\n";
    std::fs::write(paths.config_file(), text).expect("config written");
    let config = Config::load(&paths, &user("jdoe")).expect("loads").config;

    let sandbox = config.sandbox_config().expect("the sandbox profile is active");
    assert_eq!(sandbox.seed, 7);
    assert_eq!(sandbox.faults.profile, Some(FaultProfile::Storm));
    assert_eq!(sandbox.token_ttl, Duration::from_secs(90));
    assert_eq!(sandbox.size.agents, 12);
    assert_eq!(sandbox.size.interactions, 2000, "an unset size keeps its default");
    assert!(sandbox.listen.ip().is_loopback());
}
