//! The simulated tenant: its data and every rule the operation endpoints apply.
//!
//! All state sits behind one mutex, never held across an `.await`. Each
//! public method is one request's worth of work: it reads or changes the
//! state atomically and answers with a value or a [`Failure`] that the routes
//! turn into the JSON error reply. Writes are counted in [`Stats`]: applied
//! when they changed something, repeated when their change was already in place.

mod analytics;
mod attributes;
mod clock;
mod data_actions;
mod etag;
mod executions;
mod hooks;
mod interactions;
mod outbound;
mod rate_limit;
mod seed;
mod shifts;
mod simulate;
mod store;
mod users;
mod webhooks;

pub use analytics::{AnalyticsQuery, AnalyticsRow, Dimension, FilterDraft, Interval, Metric};
pub use attributes::{AttributesChanged, AttributesUpdated, AttributesView};
pub use clock::Stamp;
pub use data_actions::{DataActionPatch, DataActionView, VersionView};
pub use etag::{ETag, IfMatch};
pub use executions::{RecentExecutions, RunStatus};
pub use hooks::Counts;
pub use interactions::{Channel, InteractionView};
pub use outbound::{CampaignView, ContactDispositionBody, ContactView};
pub use seed::{
    PINNED_ATTRIBUTES_INTERACTION, PINNED_CAMPAIGN, PINNED_CLOSED_INTERACTION, PINNED_CONTACTS, PINNED_USER,
};
pub use shifts::ShiftView;
pub use store::{Page, Window};
pub use users::{RoleView, StatusChangeBody, StatusChangeView, UserView};
pub use webhooks::{Subscriber, WebhookDraft, WebhookView};

use super::reply::Failure;
use super::{SandboxConfig, Stats};
use crate::domain::agent_status::PauseReasons;
use crate::domain::interaction_disposition::DispositionMatrix;
use clock::Clock;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use store::Store;

/// A value read with the tag of the entity it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged<T> {
    pub etag: ETag,
    pub value: T,
}

/// The seeded tenant. Cheap to share behind an `Arc`.
pub struct Tenant {
    data: Mutex<Data>,
    stats: Arc<Stats>,
    matrix: DispositionMatrix,
    pause_reasons: PauseReasons,
    words: seed::Words,
}

/// Everything that changes, guarded by the tenant's one lock.
struct Data {
    clock: Clock,
    interactions: Store<interactions::Interaction>,
    campaigns: Store<outbound::Campaign>,
    users: Store<users::User>,
    wrap_ups: users::WrapUps,
    webhooks: Store<webhooks::Webhook>,
    actions: Store<data_actions::DataAction>,
    executions: executions::Executions,
    /// Contacts the dialer is working on, as (campaign id, contact id).
    dialer: Vec<(String, String)>,
    /// The documents' example entities, which the simulation leaves alone.
    pinned: HashSet<String>,
    /// Drives the simulation, so a seeded tenant moves the same way each run.
    rng: StdRng,
    /// How many interactions the simulation keeps the tenant near.
    interaction_target: usize,
    /// How many interactions the simulation keeps open: new ones arrive
    /// as others close.
    open_target: usize,
    /// How many interactions are open now, kept as they open and close so
    /// that a step need not count them.
    open: usize,
    /// See [`SandboxConfig::retention`].
    retention: std::time::Duration,
    /// Before this, no interaction is retired.
    retiring_from: Stamp,
}

impl Tenant {
    /// Generates the tenant `config.seed` and `config.size` describe.
    pub fn seed(config: &SandboxConfig, stats: Arc<Stats>) -> Self {
        let seeded = seed::generate(config.seed, config.size, config.campaign_rate);
        let mut clock = Clock::new();
        let retiring_from = clock.now().plus(config.retention);
        let open_target = seeded.interactions.iter().filter(|i| i.is_open()).count();
        let data = Data {
            clock,
            open_target,
            open: open_target,
            retention: config.retention,
            retiring_from,
            interactions: seeded.interactions,
            campaigns: seeded.campaigns,
            users: seeded.users,
            wrap_ups: users::WrapUps::default(),
            webhooks: Store::default(),
            actions: seeded.actions,
            executions: executions::Executions::default(),
            dialer: seeded.dialer,
            pinned: seeded.pinned,
            rng: StdRng::seed_from_u64(config.seed ^ 0x5EED_51AA),
            interaction_target: config.size.interactions,
        };
        Self {
            data: Mutex::new(data),
            stats,
            matrix: seeded.matrix,
            pause_reasons: seeded.pause_reasons,
            words: seed::Words::load(),
        }
    }

    /// A panic elsewhere while the lock was held leaves the data consistent
    /// (every change is made after its checks), so a poisoned lock is used as is.
    fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The tenant's clock now, as pages report it in `asOf`.
    pub fn now(&self) -> Stamp {
        self.lock().clock.now()
    }
}

/// The 404 for an id that names nothing.
fn not_found(kind: &str, id: &str) -> Failure {
    let shown: String = id.chars().take(128).collect();
    Failure::not_found(format!("no {kind} has id {shown:?}"))
}

/// Turns a page of entities into a page of their wire views.
fn page_of<T, V>(
    items: Vec<&T>,
    total: usize,
    window: &Window,
    as_of: Stamp,
    view: impl Fn(&T) -> V,
) -> Page<V> {
    Page {
        items: items.into_iter().map(view).collect(),
        total_count: total,
        top: window.top,
        skip: window.skip,
        as_of,
    }
}
