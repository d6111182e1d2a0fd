//! Agent status through the tenant's methods: wrap-up timers and the
//! desktop's autoAvailable setting.

use cxone_console::sandbox::tenant::{PINNED_USER, StatusChangeBody, Tenant};
use cxone_console::sandbox::{Resource, SandboxConfig, Stats};
use std::sync::Arc;
use std::time::Duration;

fn change(status: &str, auto_available: bool) -> StatusChangeBody {
    StatusChangeBody {
        status: status.into(),
        pause_reason: String::new(),
        wrap_up_code: String::new(),
        auto_available,
        respect_wrap_up: true,
    }
}

#[test]
fn when_wrap_up_ends_the_agent_goes_available_only_with_auto_available() {
    let stats = Arc::new(Stats::default());
    let t = Tenant::seed(&SandboxConfig::quiet(), stats.clone());
    for (auto, expected) in [(true, "Available"), (false, "Busy")] {
        t.change_status(PINNED_USER, None, &change("Busy", auto)).unwrap();
        t.start_wrap_up(PINNED_USER, Duration::ZERO).unwrap();
        let user = t.user(PINNED_USER).unwrap().value;
        assert_eq!(user.status.as_str(), expected, "autoAvailable {auto}");
        assert!(user.wrap_up_until.is_none());
        t.change_status(PINNED_USER, None, &change("Available", true)).unwrap();
    }
    let s = stats.snapshot();
    // Busy, (Available by itself), Available: a repeat; Busy, Available.
    assert_eq!((s.writes_of(Resource::AgentStatus), s.repeated_of(Resource::AgentStatus)), (3, 1));
}

#[test]
fn a_running_wrap_up_is_shown_and_refuses_changes_that_respect_it() {
    let t = Tenant::seed(&SandboxConfig::quiet(), Arc::new(Stats::default()));
    let until = t.start_wrap_up(PINNED_USER, Duration::from_secs(3_600)).unwrap();
    assert_eq!(t.user(PINNED_USER).unwrap().value.wrap_up_until, Some(until));
    let refused = t.change_status(PINNED_USER, None, &change("Available", true)).unwrap_err();
    assert_eq!(refused.status.as_u16(), 409);
    assert!(refused.message.contains("wrap-up until"), "{}", refused.message);
    let forced = StatusChangeBody { respect_wrap_up: false, ..change("Available", true) };
    assert_eq!(
        t.change_status(PINNED_USER, None, &forced).unwrap().value.previous_status.as_str(),
        "Available"
    );
    assert!(t.user(PINNED_USER).unwrap().value.wrap_up_until.is_none());
}
