//! Where each kind is read from: its list endpoint, a full paged read the
//! first time and then only what changed since the tenant's last `asOf`.

use super::link::Timed;
use super::mirror::{Fetched, Row};
use super::paging::{Read, read_pages};
use crate::api::model::{
    Campaign, Contact, ContactFilter, DataAction, Interaction, InteractionFilter, NoFilter, User, UserFilter,
};
use crate::api::{ApiError, ApiErrorKind};
use crate::domain::{CampaignId, Timestamp};
use crate::engine::context::Ctx;
use crate::engine::event::{Entities, Snapshot, Table};
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::Arc;

/// One kind of entity and how to read it.
pub(crate) trait Source: Send + 'static {
    type Row: Row;

    const KIND: Entities;

    /// Reads every entity when `full`, else what changed since the last
    /// successful read, each request timed by `timed`. Nothing is
    /// remembered from a read that fails.
    fn fetch(
        &mut self,
        ctx: &Ctx,
        full: bool,
        timed: Timed<'_>,
    ) -> impl Future<Output = Result<Fetched<Self::Row>, ApiError>> + Send;

    fn snapshot(table: Arc<Table<Self::Row>>) -> Snapshot;
}

/// Where the next read of one list starts: the tenant's `asOf` of the last.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cursor(Option<String>);

/// How far before the last `asOf` the next read starts. A tenant's rows
/// may carry stamps a little behind its `asOf` (its nodes' clocks apart);
/// read from exactly there, such a change would wait for the next whole
/// read. Rows read again are merged by id and change nothing.
const OVERLAP: time::Duration = time::Duration::seconds(5);

impl Cursor {
    /// Where to read from: nowhere (everything) on a full read.
    fn since(&self, full: bool) -> Option<String> {
        let at = self.0.as_deref().filter(|_| !full)?;
        Some(match Timestamp::parse_as("asOf", at) {
            Ok(at) => Timestamp::from_datetime(at.datetime() - OVERLAP).to_string(),
            // Not a time the console can move: passed back as the tenant said it.
            Err(_) => at.to_string(),
        })
    }

    /// Keeps the read's `asOf` and turns it into what a round returns.
    fn advance<T>(&mut self, read: Read<T>, full: bool) -> Fetched<T> {
        let complete = full || self.0.is_none();
        self.keep(&read.as_of);
        Fetched { rows: read.rows, as_of: read.as_of, complete }
    }

    fn keep(&mut self, as_of: &Option<String>) {
        if as_of.is_some() {
            self.0.clone_from(as_of);
        }
    }
}

#[derive(Default)]
pub(crate) struct Agents(Cursor);

impl Source for Agents {
    type Row = User;
    const KIND: Entities = Entities::Agents;

    async fn fetch(&mut self, ctx: &Ctx, full: bool, timed: Timed<'_>) -> Result<Fetched<User>, ApiError> {
        let api = &ctx.api;
        let read = read_pages(self.0.since(full).as_deref(), UserFilter::default(), |q| async move {
            timed.answer(api.users(&q)).await.map(|r| r.value)
        })
        .await?;
        Ok(self.0.advance(read, full))
    }

    fn snapshot(table: Arc<Table<User>>) -> Snapshot {
        Snapshot::Agents(table)
    }
}

#[derive(Default)]
pub(crate) struct Interactions(Cursor);

impl Source for Interactions {
    type Row = Interaction;
    const KIND: Entities = Entities::Interactions;

    async fn fetch(
        &mut self,
        ctx: &Ctx,
        full: bool,
        timed: Timed<'_>,
    ) -> Result<Fetched<Interaction>, ApiError> {
        let api = &ctx.api;
        let read = read_pages(self.0.since(full).as_deref(), InteractionFilter::default(), |q| async move {
            timed.answer(api.interactions(&q)).await.map(|r| r.value)
        })
        .await?;
        Ok(self.0.advance(read, full))
    }

    fn snapshot(table: Arc<Table<Interaction>>) -> Snapshot {
        Snapshot::Interactions(table)
    }
}

#[derive(Default)]
pub(crate) struct Campaigns(Cursor);

impl Source for Campaigns {
    type Row = Campaign;
    const KIND: Entities = Entities::Campaigns;

    async fn fetch(
        &mut self,
        ctx: &Ctx,
        full: bool,
        timed: Timed<'_>,
    ) -> Result<Fetched<Campaign>, ApiError> {
        let api = &ctx.api;
        let read = read_pages(self.0.since(full).as_deref(), NoFilter, |q| async move {
            timed.answer(api.campaigns(&q)).await.map(|r| r.value)
        })
        .await?;
        Ok(self.0.advance(read, full))
    }

    fn snapshot(table: Arc<Table<Campaign>>) -> Snapshot {
        Snapshot::Campaigns(table)
    }
}

#[derive(Default)]
pub(crate) struct DataActions(Cursor);

impl Source for DataActions {
    type Row = DataAction;
    const KIND: Entities = Entities::DataActions;

    async fn fetch(
        &mut self,
        ctx: &Ctx,
        full: bool,
        timed: Timed<'_>,
    ) -> Result<Fetched<DataAction>, ApiError> {
        let api = &ctx.api;
        let read = read_pages(self.0.since(full).as_deref(), NoFilter, |q| async move {
            timed.answer(api.data_actions(&q)).await.map(|r| r.value)
        })
        .await?;
        Ok(self.0.advance(read, full))
    }

    fn snapshot(table: Arc<Table<DataAction>>) -> Snapshot {
        Snapshot::DataActions(table)
    }
}

/// Contacts of every campaign: the campaign list says which campaigns
/// there are, and each campaign's contacts have their own cursor.
#[derive(Default)]
pub(crate) struct Contacts {
    campaigns: Cursor,
    cursors: HashMap<CampaignId, Cursor>,
    /// A campaign was found gone: the next round reads every contact, which
    /// drops its rows from the table.
    whole_next: bool,
}

impl Source for Contacts {
    type Row = Contact;
    const KIND: Entities = Entities::Contacts;

    async fn fetch(&mut self, ctx: &Ctx, full: bool, timed: Timed<'_>) -> Result<Fetched<Contact>, ApiError> {
        let api = &ctx.api;
        let complete = full || self.whole_next || self.campaigns.0.is_none();
        // A whole read lists every campaign, as it reads every contact: the
        // table it makes holds those campaigns' contacts alone.
        let campaigns = read_pages(self.campaigns.since(complete).as_deref(), NoFilter, |q| async move {
            timed.answer(api.campaigns(&q)).await.map(|r| r.value)
        })
        .await?;
        let mut ids: BTreeSet<CampaignId> = campaigns.rows.iter().map(|c| c.id.clone()).collect();
        if !complete {
            ids.extend(self.cursors.keys().cloned());
        }
        // Cursors move only once every campaign was read: a failure part-way
        // leaves them where they were, so nothing is skipped next time.
        let mut moved = HashMap::with_capacity(ids.len());
        let mut rows = Vec::new();
        for id in ids {
            let mut cursor =
                if complete { Cursor::default() } else { self.cursors.get(&id).cloned().unwrap_or_default() };
            // Contact reads share the campaign's pace with the batch flows,
            // so a refresh never pushes a campaign over the tenant's limit.
            let read = read_pages(cursor.since(complete).as_deref(), ContactFilter::default(), |q| {
                let id = &id;
                async move {
                    ctx.campaign_pacing.admit(id.as_str()).await;
                    timed.answer(api.contacts(id, &q)).await.map(|r| r.value)
                }
            })
            .await;
            let read = match read {
                Ok(read) => read,
                // A campaign the tenant no longer has: its cursor goes, and
                // its rows with the next whole read of the contacts (this
                // one, or the next round), rather than the gone campaign
                // failing every round and the others' contacts with it. A
                // campaign still there whose contacts cannot be read fails
                // the round, and the table is said to be stale.
                Err(e) if matches!(e.kind, ApiErrorKind::NotFound { .. }) && gone(api, &id, timed).await => {
                    tracing::info!(campaign = %id, "a campaign is gone; its contacts leave the table");
                    self.cursors.remove(&id);
                    self.whole_next |= !complete;
                    continue;
                }
                Err(e) => return Err(e),
            };
            rows.extend(cursor.advance(read, complete).rows);
            moved.insert(id, cursor);
        }
        self.campaigns.keep(&campaigns.as_of);
        self.whole_next &= !complete;
        if complete {
            self.cursors = moved;
        } else {
            self.cursors.extend(moved);
        }
        Ok(Fetched { rows, as_of: campaigns.as_of, complete })
    }

    fn snapshot(table: Arc<Table<Contact>>) -> Snapshot {
        Snapshot::Contacts(table)
    }
}

/// Whether the tenant says it has no campaign `id` (a read that fails
/// otherwise says nothing of the sort).
async fn gone(api: &crate::api::Client, id: &CampaignId, timed: Timed<'_>) -> bool {
    matches!(timed.answer(api.campaign(id)).await, Err(e) if matches!(e.kind, ApiErrorKind::NotFound { .. }))
}
