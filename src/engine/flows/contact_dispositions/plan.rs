//! Before anything is sent: each entry checked against its campaign's
//! outcome matrix and its agent against the tenant's users, then against the
//! entries before it and the contacts this session already did.

use super::Done;
use crate::api::ApiErrorKind;
use crate::domain::contact_disposition::{
    AGENT_FIELD, ContactDisposition, ContactDispositionDraft, OutcomeMatrix, SkipReason,
};
use crate::domain::{AgentId, CampaignId, ContactId, Invalid, Timestamp};
use crate::engine::SkipKey;
use crate::engine::audit::{Target, action};
use crate::engine::command::{CommandId, Item};
use crate::engine::context::{Claim, Ctx, error_class, settle};
use crate::engine::event::{Outcome, Write};
use crate::engine::flows::attribution::{self, Refusal};
use crate::engine::flows::{Settled, Trail};
use crate::engine::metrics::{ErrorClass, Operation};
use crate::engine::rules::{CampaignRules, RULES_TTL};
use crate::engine::tally::Tally;
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::FuturesUnordered;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// A contact that passed every check made before sending.
pub(super) struct Ready<'a> {
    pub trail: Trail<'a>,
    pub disposition: ContactDisposition,
    /// The campaign's name, for the outcome's words.
    pub campaign: String,
}

impl Ready<'_> {
    /// The contact it takes.
    pub fn claim(&self) -> Claim {
        (self.disposition.campaign_id.to_string(), self.disposition.contact_id.to_string())
    }
}

pub(super) enum Plan<'a> {
    Ready(Ready<'a>),
    /// Ready, but for a contact an earlier entry of the batch, `holder`,
    /// holds: it waits for that one to end (see `behind`).
    Behind {
        contact: Ready<'a>,
        holder: CommandId,
    },
    /// Settled without a request: skipped or refused.
    Done(Done),
}

/// How an entry of the batch holds its contact, for the entries after it.
enum Held {
    /// Under way, as the entry named: the entries after it wait for its end.
    UnderWay(CommandId),
    /// An entry for it was applied by an earlier run of the batch: the
    /// others are duplicates.
    Before,
}

/// Plans a batch's entries in order, remembering what came before.
pub(super) struct Planner<'a> {
    ctx: &'a Ctx,
    id: &'a CommandId,
    /// Told of each contact ready, which may be sent from then on.
    tally: &'a Tally,
    in_batch: HashMap<Claim, Held>,
    /// Campaigns whose matrix was read again during this batch: a code
    /// missing from the cached matrix may just have been added.
    reread: HashSet<CampaignId>,
}

impl<'a> Planner<'a> {
    /// The planner of `items`. A contact that an earlier run of the batch
    /// wrote an entry's outcome to is taken from the start: every other
    /// entry for it is a duplicate, before or after that one, so a re-run
    /// never sends an entry that run left for a later one it applied. One
    /// found already so took nothing, as in the run that found it.
    pub fn new(
        ctx: &'a Ctx,
        id: &'a CommandId,
        tally: &'a Tally,
        items: &[Item<ContactDispositionDraft>],
    ) -> Self {
        let in_batch = items
            .iter()
            .filter(|item| ctx.wrote_before(item.id.as_str()))
            .filter_map(|item| claim_of(&item.draft))
            .map(|claim| (claim, Held::Before))
            .collect();
        Self { ctx, id, tally, in_batch, reread: HashSet::new() }
    }

    /// The audit trail of one entry, its target named as the sender knew it.
    fn trail(&self, item_id: CommandId, draft: &ContactDispositionDraft, name: Option<&str>) -> Trail<'a> {
        Trail::new(
            self.ctx,
            self.id,
            item_id,
            Operation::ContactDisposition,
            action::CONTACT_DISPOSITION,
            target(draft, name),
        )
    }

    /// An entry the batch was cancelled before reaching.
    pub async fn unstarted(&self, item: Item<ContactDispositionDraft>) -> Done {
        let trail = self.trail(item.id, &item.draft, item.name.as_deref());
        let (item, target) = (trail.item().clone(), trail.target().clone());
        Done { item, target, outcome: trail.unstarted("contact").await, write: Write::NotSent }
    }

    pub async fn plan(&mut self, item: Item<ContactDispositionDraft>) -> Plan<'a> {
        let started = Instant::now();
        let Item { id: item_id, draft, name } = item;
        let trail = self.trail(item_id, &draft, name.as_deref());
        if let Some(outcome) = trail.settled_before() {
            // The audit log holds this entry's outcome already: nothing to
            // add. A contact it wrote to is taken all the same (in the batch
            // from the start), so another entry for it is the duplicate it
            // was when this one was applied, and not applied over it now.
            if let Some(claim) = claim_of(&draft).filter(|_| self.ctx.wrote_before(trail.item().as_str())) {
                self.ctx.processed_contacts.lock().unwrap_or_else(|p| p.into_inner()).insert(claim);
            }
            return Plan::Done(Done {
                item: trail.item().clone(),
                target: trail.target().clone(),
                outcome,
                write: Write::NotSent,
            });
        }
        let checked = match self.validate(&draft).await {
            // Document 001: an outcome is attributed to an agent of the
            // tenant, checked before any request about the contact.
            Ok(valid) => attribution::check(self.ctx, AGENT_FIELD, &valid.0.agent_id).await.map(|()| valid),
            Err(refusal) => Err(refusal),
        };
        let (disposition, campaign) = match checked {
            Ok(valid) => valid,
            Err((outcome, class)) => return finish(trail, Settled::new(outcome).class(class), started).await,
        };
        let contact = Ready { trail, disposition, campaign };
        let claim = contact.claim();
        match self.in_batch.get(&claim) {
            Some(Held::UnderWay(holder)) => return Plan::Behind { contact, holder: holder.clone() },
            Some(Held::Before) => {
                let skip = Outcome::skipped_for(&SkipReason::Duplicate);
                return finish(contact.trail, Settled::new(skip), started).await;
            }
            None => {}
        }
        match self.take(contact, started).await {
            Ok(contact) => {
                self.in_batch.insert(claim, Held::UnderWay(contact.trail.item().clone()));
                Plan::Ready(contact)
            }
            Err(done) => Plan::Done(done),
        }
    }

    /// `contact` takes its contact for this session, unless another change
    /// of the session has it: then it is skipped as a duplicate.
    pub async fn take(&self, contact: Ready<'a>, started: Instant) -> Result<Ready<'a>, Done> {
        let claim = contact.claim();
        let first =
            self.ctx.processed_contacts.lock().unwrap_or_else(|p| p.into_inner()).insert(claim.clone());
        if !first {
            let skip = Outcome::skipped(
                SkipKey::Duplicate,
                "duplicate: this contact was already processed in this session",
            );
            return Err(ended(contact.trail, Settled::new(skip), started).await);
        }
        // From here the tally holds the claim, until the contact's end.
        self.tally.started(contact.trail.item(), Some(claim));
        Ok(contact)
    }

    /// `contact`, behind an entry for its contact that ended with `outcome`
    /// and did not leave the contact to it (see `behind`).
    pub async fn duplicate(&self, contact: Ready<'a>, outcome: &Outcome) -> Done {
        let skip = Outcome::skipped(
            SkipKey::Duplicate,
            format!(
                "duplicate: this contact appears earlier in this batch, where its outcome was sent ({})",
                outcome.kind().as_str()
            ),
        );
        ended(contact.trail, Settled::new(skip), Instant::now()).await
    }

    /// The draft checked against its campaign's outcome matrix, and the
    /// campaign's name.
    async fn validate(
        &mut self,
        draft: &ContactDispositionDraft,
    ) -> Result<(ContactDisposition, String), Refusal> {
        let refused = |e: Invalid| (Outcome::rejected(e.to_string()), ErrorClass::Validation);
        let campaign =
            CampaignId::parse_as("campaignId", &draft.campaign_id).map_err(|e| refused(e.into()))?;
        let mut rules = self.campaign(&campaign, false).await?;
        let mut checked = ContactDisposition::validate(draft, &rules.outcomes, Timestamp::now());
        if checked.is_err() && self.may_be_new(&campaign, &rules.outcomes, draft) {
            rules = self.campaign(&campaign, true).await?;
            checked = ContactDisposition::validate(draft, &rules.outcomes, Timestamp::now());
        }
        checked.map(|valid| (valid, rules.name.clone())).map_err(refused)
    }

    /// Whether the code is missing from a matrix not yet read again.
    fn may_be_new(
        &mut self,
        campaign: &CampaignId,
        matrix: &OutcomeMatrix,
        draft: &ContactDispositionDraft,
    ) -> bool {
        let code = draft.outcome_code.trim();
        !code.is_empty() && !matrix.contains(code) && self.reread.insert(campaign.clone())
    }

    async fn campaign(&self, campaign: &CampaignId, fresh: bool) -> Result<Arc<CampaignRules>, Refusal> {
        self.ctx.rules.campaign(campaign, fresh).await.map_err(|e| match &e.kind {
            ApiErrorKind::NotFound { .. } => (
                Outcome::rejected(format!("campaignId: campaign {campaign} does not exist on the tenant")),
                error_class(&e),
            ),
            _ => settle(&e),
        })
    }
}

/// Reads, `at_once` at a time, what the entries are checked against: each
/// campaign's rules and each agent's roles. Checked one by one, the entries
/// then find them cached, instead of waiting on each read in turn: hundreds
/// of contacts, each with its own agent, took a minute on a slow tenant
/// before the first was sent. What fails here is read again, and reported,
/// by the entry that needs it. Stops when the batch is cancelled.
pub(super) async fn warm(
    ctx: &Ctx,
    items: &[Item<ContactDispositionDraft>],
    at_once: usize,
    cancel: &CancellationToken,
) {
    let campaigns: HashSet<CampaignId> =
        items.iter().filter_map(|i| CampaignId::parse(&i.draft.campaign_id).ok()).collect();
    let agents: HashSet<AgentId> =
        items.iter().filter_map(|i| AgentId::parse(&i.draft.agent_id).ok()).collect();
    let mut reads: Vec<BoxFuture<'_, ()>> = Vec::with_capacity(campaigns.len() + agents.len());
    for campaign in &campaigns {
        reads.push(Box::pin(async move { drop(ctx.rules.campaign(campaign, false).await) }));
    }
    for agent in &agents {
        reads.push(Box::pin(async move { drop(ctx.rules.agent(agent, RULES_TTL).await) }));
    }
    let mut reads = reads.into_iter();
    let mut running = FuturesUnordered::new();
    let all = async {
        loop {
            while running.len() < at_once
                && let Some(read) = reads.next()
            {
                running.push(read);
            }
            if running.next().await.is_none() {
                break;
            }
        }
    };
    tokio::select! {
        () = all => {}
        () = cancel.cancelled() => {}
    }
}

async fn finish(trail: Trail<'_>, settled: Settled<'_>, started: Instant) -> Plan<'static> {
    Plan::Done(ended(trail, settled, started).await)
}

async fn ended(trail: Trail<'_>, settled: Settled<'_>, started: Instant) -> Done {
    let (item, target) = (trail.item().clone(), trail.target().clone());
    let outcome = trail.finish(settled, started.elapsed()).await;
    Done { item, target, outcome, write: Write::NotSent }
}

/// Whom an entry is for, named as the sender knew it: what its records
/// say until its contact is read.
pub(crate) fn target(draft: &ContactDispositionDraft, name: Option<&str>) -> Target {
    Target::contact(shown(&draft.campaign_id), shown(&draft.contact_id)).named(name.unwrap_or_default())
}

/// An id as the audit trail names the target, even when it was left empty.
fn shown(raw: &str) -> String {
    match raw.trim() {
        "" => "(none)".to_string(),
        id => id.to_string(),
    }
}

/// The (campaign, contact) an entry takes, as its checked disposition
/// names them; `None` when either id does not read.
fn claim_of(draft: &ContactDispositionDraft) -> Option<Claim> {
    let campaign = CampaignId::parse_as("campaignId", &draft.campaign_id).ok()?;
    let contact = ContactId::parse_as("contactId", &draft.contact_id).ok()?;
    Some((campaign.to_string(), contact.to_string()))
}
