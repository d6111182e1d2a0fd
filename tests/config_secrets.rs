//! Secrets: from the environment or a file, never inline, never shown.

use cxone_console::config::{
    Config, ConfigError, Environment, KeyPath, Paths, Profile, SecretSource, Warning, WebhookSecret,
};
use secrecy::ExposeSecret;
use std::path::Path;

const CLIENT_SECRET: &str = "cs-9f8e7d6c5b4a-top-secret";
/// A Standard Webhooks secret: whsec_ and base64.
const WEBHOOK_SECRET: &str = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0cw==";

struct Home {
    _dir: tempfile::TempDir,
    paths: Paths,
}

impl Home {
    fn with_config(text: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        let paths = Paths::under(dir.path());
        std::fs::create_dir_all(paths.config_dir()).expect("config dir");
        std::fs::write(paths.config_file(), text).expect("config written");
        Self { _dir: dir, paths }
    }

    /// Writes a secret file beside config.toml with `mode`.
    fn secret_file(&self, name: &str, contents: &str, mode: u32) -> std::path::PathBuf {
        let path = self.paths.config_dir().join(name);
        std::fs::write(&path, contents).expect("secret written");
        set_mode(&path, mode);
        path
    }

    fn load(&self, env: &Environment) -> Result<cxone_console::config::Loaded, ConfigError> {
        Config::load(&self.paths, env)
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) {}

fn tenant(secret_keys: &str) -> String {
    format!(
        "profile = \"prod\"\n[profiles.prod]\nkind = \"tenant\"\nbase_url = \"https://api.example.com\"\n\
         client_id = \"console\"\n{secret_keys}\n"
    )
}

fn env_with_secrets() -> Environment {
    Environment::fixed([
        ("USER", "jdoe"),
        ("CXONE_CLIENT_SECRET", CLIENT_SECRET),
        ("HOOK_SECRET", WEBHOOK_SECRET),
    ])
}

fn client_secret(config: &Config) -> (SecretSource, String) {
    let Profile::Tenant(tenant) = config.profile() else { panic!("the tenant profile is active") };
    let secret = tenant.client_secret();
    (secret.source().clone(), secret.value().expose_secret().to_string())
}

#[test]
fn the_client_secret_comes_from_the_named_environment_variable() {
    let home = Home::with_config(&tenant("client_secret_env = \"CXONE_CLIENT_SECRET\""));
    let loaded = home.load(&env_with_secrets()).expect("loads");
    assert!(loaded.warnings.is_empty());
    let (source, value) = client_secret(&loaded.config);
    assert_eq!(source, SecretSource::Env("CXONE_CLIENT_SECRET".into()));
    assert_eq!(value, CLIENT_SECRET);
}

#[test]
fn a_missing_environment_variable_is_refused_by_name() {
    let home = Home::with_config(&tenant("client_secret_env = \"CXONE_CLIENT_SECRET\""));
    let error = home.load(&Environment::fixed([("USER", "jdoe")])).expect_err("refused");
    assert_eq!(error.key(), Some(&KeyPath::new("profiles.prod", "client_secret_env")));
    assert!(error.to_string().contains("CXONE_CLIENT_SECRET is not set"), "{error}");
}

#[test]
fn the_client_secret_comes_from_a_private_file() {
    let home = Home::with_config(&tenant("client_secret_file = \"client_secret\""));
    let path = home.secret_file("client_secret", &format!("{CLIENT_SECRET}\n"), 0o600);
    let loaded = home.load(&env_with_secrets()).expect("loads");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let (source, value) = client_secret(&loaded.config);
    assert_eq!(source, SecretSource::File(path));
    assert_eq!(value, CLIENT_SECRET, "the trailing newline is not part of the secret");
}

#[cfg(unix)]
#[test]
fn a_secret_file_others_can_read_loads_with_a_warning() {
    let home = Home::with_config(&tenant("client_secret_file = \"client_secret\""));
    let path = home.secret_file("client_secret", CLIENT_SECRET, 0o644);
    let loaded = home.load(&env_with_secrets()).expect("loads despite the mode");
    let expected = Warning::SecretFileShared {
        key: KeyPath::new("profiles.prod", "client_secret_file"),
        path: path.clone(),
        mode: 0o644,
    };
    assert_eq!(loaded.warnings, [expected]);
    let shown = loaded.warnings[0].to_string();
    assert!(shown.contains("chmod 600") && shown.contains("0644"), "{shown}");
    assert!(shown.contains("can be read by every user of this machine"), "{shown}");
    assert!(!shown.contains(CLIENT_SECRET));
    // Readable by the group only, it says so rather than "every user".
    home.secret_file("client_secret", CLIENT_SECRET, 0o640);
    let loaded = home.load(&env_with_secrets()).expect("loads despite the mode");
    let shown = loaded.warnings[0].to_string();
    assert!(shown.contains("can be read by its group (mode 0640)"), "{shown}");
}

#[test]
fn a_missing_empty_or_two_line_secret_file_is_refused() {
    let home = Home::with_config(&tenant("client_secret_file = \"client_secret\""));
    let error = home.load(&env_with_secrets()).expect_err("a missing file is refused");
    assert_eq!(error.key(), Some(&KeyPath::new("profiles.prod", "client_secret_file")));
    assert!(error.to_string().contains("does not exist"), "{error}");

    home.secret_file("client_secret", " \n", 0o600);
    let error = home.load(&env_with_secrets()).expect_err("an empty file is refused");
    assert!(error.to_string().contains("is empty"), "{error}");

    home.secret_file("client_secret", "# the console's secret\nS3cretValue-for-tests\n", 0o600);
    let error = home.load(&env_with_secrets()).expect_err("a second line is refused");
    assert!(error.to_string().contains("holds 2 lines; it must hold the secret alone"), "{error}");
    assert!(!error.to_string().contains("S3cretValue"), "{error}");
}

#[test]
fn an_inline_secret_is_refused_with_the_safe_ways() {
    let home = Home::with_config(&tenant(&format!("client_secret = \"{CLIENT_SECRET}\"")));
    let error = home.load(&env_with_secrets()).expect_err("refused");
    let shown = error.to_string();
    assert_eq!(error.key(), Some(&KeyPath::new("profiles.prod", "client_secret")));
    assert_eq!(error.line(), Some(6));
    assert!(shown.contains("client_secret_env") && shown.contains("client_secret_file"), "{shown}");
    assert!(!shown.contains(CLIENT_SECRET), "the error repeats the secret");

    // Even in a profile that is not active.
    let text = format!("[profiles.other]\nkind = \"tenant\"\nclient_secret = \"{CLIENT_SECRET}\"\n");
    let error = Home::with_config(&text).load(&env_with_secrets()).expect_err("refused");
    assert_eq!(error.key(), Some(&KeyPath::new("profiles.other", "client_secret")));

    let text = format!("[webhooks]\nsecret = \"{WEBHOOK_SECRET}\"\n");
    let error = Home::with_config(&text).load(&env_with_secrets()).expect_err("refused");
    assert_eq!(error.key(), Some(&KeyPath::new("webhooks", "secret")));
    assert!(error.to_string().contains("secret_env or secret_file"), "{error}");
}

#[test]
fn a_secret_from_both_places_is_refused() {
    let keys = "client_secret_env = \"CXONE_CLIENT_SECRET\"\nclient_secret_file = \"client_secret\"";
    let error = Home::with_config(&tenant(keys)).load(&env_with_secrets()).expect_err("refused");
    assert!(error.to_string().contains("not both"), "{error}");
}

#[test]
fn a_tenant_without_a_secret_is_refused() {
    let error = Home::with_config(&tenant("")).load(&env_with_secrets()).expect_err("refused");
    assert!(error.to_string().contains("client_secret_env or client_secret_file"), "{error}");
}

#[test]
fn webhook_secrets_are_read_and_checked() {
    let text = "[webhooks]\nsecret_env = \"HOOK_SECRET\"\ncrm = \"https://crm.example.com/hook\"\n";
    let config = Home::with_config(text).load(&env_with_secrets()).expect("loads").config;
    let Some(WebhookSecret::Configured(secret)) = config.webhooks().secret() else {
        panic!("a configured secret")
    };
    assert_eq!(secret.value().expose_secret(), WEBHOOK_SECRET);
    // The sandbox's sink verifies with the same secret.
    let sandbox = config.sandbox_config().expect("the sandbox profile");
    assert_eq!(sandbox.sink_secret.expose_secret(), WEBHOOK_SECRET);

    let env = Environment::fixed([("HOOK_SECRET", "whsec_***not base64***")]);
    let error = Home::with_config(text).load(&env).expect_err("an unusable key is refused");
    assert_eq!(error.key(), Some(&KeyPath::new("webhooks", "secret_env")));
    assert!(!error.to_string().contains("not base64***"), "the error repeats the secret: {error}");

    let unsigned = format!(
        "{}[webhooks]\ncrm = \"https://crm.example.com/hook\"\n",
        tenant("client_secret_env = \"CXONE_CLIENT_SECRET\"")
    );
    let error =
        Home::with_config(&unsigned).load(&env_with_secrets()).expect_err("unsigned deliveries refused");
    assert!(error.to_string().contains("must be signed"), "{error}");
}

/// The sandbox's own secret is the sink's: a target set to a URL is some
/// other receiver, which could not check it, so it needs a secret of its
/// own with the sandbox profile as with a tenant.
#[test]
fn a_target_set_to_a_url_needs_a_configured_secret_with_the_sandbox_profile_too() {
    let text = "[webhooks]\nwfm = \"http://127.0.0.1:18810/wfm\"\n";
    let error = Home::with_config(text)
        .load(&Environment::fixed([("USER", "jdoe")]))
        .expect_err("unsigned deliveries refused");
    assert_eq!(error.key(), Some(&KeyPath::new("webhooks", "wfm")));
    let said = error.to_string();
    assert!(said.contains("deliveries to wfm must be signed: set secret_env or secret_file"), "{said}");
    assert!(said.contains("signs only for its sink"), "{said}");

    // Targets left unset go to the sink, signed with its secret, as before.
    let config = Home::with_config("[webhooks]\n")
        .load(&Environment::fixed([("USER", "jdoe")]))
        .expect("loads")
        .config;
    assert!(matches!(config.webhooks().secret(), Some(WebhookSecret::SandboxSink)));
    let with_secret = "[webhooks]\nsecret_env = \"HOOK_SECRET\"\nwfm = \"http://127.0.0.1:18810/wfm\"\n";
    let config = Home::with_config(with_secret).load(&env_with_secrets()).expect("loads").config;
    assert!(matches!(config.webhooks().secret(), Some(WebhookSecret::Configured(_))));
}

/// Standard Webhooks asks for 24 to 64 random bytes: outside that the key
/// still signs, with a warning that names the key and the length, never the
/// secret.
#[test]
fn a_signing_key_outside_24_to_64_bytes_loads_with_a_warning() {
    use base64::Engine;
    let text = "[webhooks]\nsecret_env = \"HOOK_SECRET\"\ncrm = \"https://crm.example.com/hook\"\n";
    let home = Home::with_config(text);
    let with_key = |bytes: usize| {
        let key = (0..bytes).map(|i| (i * 37 + 11) as u8).collect::<Vec<_>>();
        let secret = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(key));
        (home.load(&Environment::fixed([("HOOK_SECRET", secret.as_str())])).expect("loads"), secret)
    };
    for bytes in [24, 32, 64] {
        let (loaded, _) = with_key(bytes);
        assert!(loaded.warnings.is_empty(), "{bytes} bytes: {:?}", loaded.warnings);
    }
    for bytes in [1, 16, 23, 65, 128] {
        let (loaded, secret) = with_key(bytes);
        let expected = Warning::SigningKeyLength { key: KeyPath::new("webhooks", "secret_env"), bytes };
        assert_eq!(loaded.warnings, [expected]);
        let shown = loaded.warnings[0].to_string();
        assert!(shown.contains(&format!("{bytes} bytes")) && shown.contains("24 to 64"), "{shown}");
        let advice = if bytes < 24 { "a longer one" } else { "a shorter one" };
        assert!(shown.contains(advice), "{bytes} bytes: {shown}");
        assert!(!shown.contains(&secret[6..]), "the warning repeats the secret: {shown}");
        assert!(matches!(loaded.config.webhooks().secret(), Some(WebhookSecret::Configured(_))));
    }
}

/// A password in a URL, or a secret pasted where a variable's name goes, is
/// refused without being repeated.
#[test]
fn a_secret_written_where_it_does_not_belong_is_refused_and_not_repeated() {
    let in_url = tenant("client_secret_env = \"CXONE_CLIENT_SECRET\"")
        .replace("https://api.example.com", "https://ops:Pa55word@api.example.com");
    let hook =
        "[webhooks]\nsecret_env = \"HOOK_SECRET\"\ncrm = \"https://hooks:Pa55word@crm.example.com/x\"\n";
    let bad_url = "[webhooks]\nsecret_env = \"HOOK_SECRET\"\ncrm = \"https://hooks:Pa55word@[::1\"\n";
    for (text, key) in [
        (in_url, KeyPath::new("profiles.prod", "base_url")),
        (hook.to_string(), KeyPath::new("webhooks", "crm")),
        (bad_url.to_string(), KeyPath::new("webhooks", "crm")),
    ] {
        let error = Home::with_config(&text).load(&env_with_secrets()).expect_err("refused");
        assert_eq!(error.key(), Some(&key), "{error}");
        assert!(!error.to_string().contains("Pa55word"), "the password is repeated: {error}");
    }

    for pasted in
        [WEBHOOK_SECRET, "sbx_0ddd71773f5abb7fffc31d7776bdcde22d0b6178dcd137b3", "Xy9Kq2Lm8Np4Rt6Vw3Zb7Hc5"]
    {
        let text = format!("[webhooks]\nsecret_env = \"{pasted}\"\n");
        let error = Home::with_config(&text).load(&env_with_secrets()).expect_err("refused");
        assert_eq!(error.key(), Some(&KeyPath::new("webhooks", "secret_env")), "{error}");
        assert!(!error.to_string().contains(pasted), "the secret is repeated: {error}");
    }
    // A variable's name is still named when it is not set, even one in
    // mixed case with a digit.
    for name in ["MISSING_HOOK_SECRET", "crmHook2Secret_Staging", "whsec_key"] {
        let text = format!("[webhooks]\nsecret_env = \"{name}\"\n");
        let error = Home::with_config(&text).load(&env_with_secrets()).expect_err("refused");
        assert!(error.to_string().contains(&format!("{name} is not set")), "{error}");
    }
}

#[test]
fn show_and_debug_never_contain_a_secret() {
    let text = format!(
        "{}[webhooks]\nsecret_file = \"hook\"\ndisposition = \"https://analytics.example.com/hook\"\n",
        tenant("client_secret_env = \"CXONE_CLIENT_SECRET\"")
    );
    let home = Home::with_config(&text);
    let hook = home.secret_file("hook", WEBHOOK_SECRET, 0o600);
    let config = home.load(&env_with_secrets()).expect("loads").config;

    let shown = config.show();
    let debug = format!("{config:?}");
    for output in [&shown, &debug] {
        assert!(!output.contains(CLIENT_SECRET), "the client secret leaked:\n{output}");
        assert!(!output.contains(WEBHOOK_SECRET), "the webhook secret leaked:\n{output}");
        assert!(!output.contains("c2VjcmV0"), "part of the webhook secret leaked:\n{output}");
    }
    assert!(shown.contains("client_secret_env = \"CXONE_CLIENT_SECRET\""), "{shown}");
    assert!(shown.contains(&format!("secret_file = \"{}\"", hook.display())), "{shown}");
    assert!(shown.contains("# webhooks.crm: not set, so nothing is sent there"), "{shown}");
    assert!(shown.contains("disposition = \"https://analytics.example.com/hook\""), "{shown}");
    assert!(shown.contains("tokens are asked of https://api.example.com/oauth/token"), "{shown}");
}
