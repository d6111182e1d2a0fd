//! The secrets a run holds (the client secret, the webhook signing key, the
//! access tokens it is issued) stay out of everything it leaves behind.

mod cli_support;

use cli_support::{example, secrets, tenant_home};
use secrecy::ExposeSecret;

/// Run with every log level on, the client secret, the signing key and the
/// access tokens the tenant issued appear in no output and no file the runs
/// left under the home.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secrets_stay_out_of_every_output_log_and_file() {
    let (tenant, home) = tenant_home().await;
    let file = example("mixed.jsonl");
    let env: Vec<(&str, &str)> = secrets().into_iter().chain([("RUST_LOG", "trace")]).collect();
    let dry = home.run(&["apply", "--dry-run", "--file", file.to_str().unwrap()], &env).await;
    let real = home.run(&["apply", "--file", file.to_str().unwrap()], &env).await;
    assert_eq!(dry.code, Some(0), "{}", dry.stderr);
    assert_eq!(real.code, Some(0), "{}", real.stderr);
    assert!(tenant.stats().tokens_issued >= 2, "both runs signed in with the secret");

    for made in [home.audit_log(), home.outbox(), home.log_file()] {
        let size = std::fs::metadata(&made).map_or(0, |m| m.len());
        assert!(size > 0, "{} was written", made.display());
    }
    let mut places: Vec<(String, String)> = Vec::new();
    let mut dirs = vec![home.path().to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("the home reads") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("the file reads");
                places.push((path.display().to_string(), String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    for (name, ran) in [("dry run", &dry), ("run", &real)] {
        places.push((format!("{name} stdout"), ran.stdout.clone()));
        places.push((format!("{name} stderr"), ran.stderr.clone()));
    }
    let tokens = &tenant.state().auth;
    // Tokens are 43 characters of URL-safe base64: any such run of
    // characters is asked of the tenant, which knows every one it issued.
    let holds_token = |text: &str| {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .filter(|word| word.len() >= 43)
            .any(|word| (0..=word.len() - 43).any(|at| tokens.issued(&word[at..at + 43])))
    };
    let planted = tokens.issue(Vec::new()).token;
    assert!(holds_token(&format!("Bearer {}\n", planted.expose_secret())), "the scan finds a token");
    for (place, text) in &places {
        for (_, secret) in secrets() {
            assert!(!text.contains(secret), "a secret appeared in {place}");
        }
        assert!(
            !text.contains("Y2xpLXRlc3Qtd2ViaG9vay1zaWduaW5nLWtleSE"),
            "the signing key appeared in {place}"
        );
        assert!(!holds_token(text), "an access token appeared in {place}");
    }
    tenant.shutdown().await;
}
