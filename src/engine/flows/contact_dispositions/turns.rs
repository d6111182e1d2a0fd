//! The contacts ready to start, each campaign's in their order, the
//! campaigns taking turns.
//!
//! Each campaign's requests are paced apart (see `paced`): taken in file
//! order, a file sorted by campaign (as exports are) would hold every
//! contact under way on one campaign's pace while the others' sat idle. And
//! a campaign a 429 has paused is passed over while another can start: its
//! contacts would only wait out the pause, holding places under way the
//! other campaigns could use.

use super::plan::Ready;
use std::collections::{HashMap, VecDeque};

#[derive(Default)]
pub(super) struct Turns<'a> {
    waiting: HashMap<String, VecDeque<Ready<'a>>>,
    /// The campaigns with contacts waiting, the next to go first.
    order: VecDeque<String>,
}

impl<'a> Turns<'a> {
    /// Queues `contact` behind the others of its campaign.
    pub fn push(&mut self, contact: Ready<'a>) {
        // Looked up before a key is made: a campaign's name is copied once,
        // not once a contact.
        if let Some(queue) = self.waiting.get_mut(contact.disposition.campaign_id.as_str()) {
            queue.push_back(contact);
            return;
        }
        let campaign = contact.disposition.campaign_id.to_string();
        self.order.push_back(campaign.clone());
        self.waiting.insert(campaign, VecDeque::from([contact]));
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The campaigns with contacts waiting, in turn.
    pub fn campaigns(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }

    /// The next contact in turn of a campaign `may_start` lets start, if
    /// any; the campaigns passed over keep their turn.
    pub fn next(&mut self, may_start: impl Fn(&str) -> bool) -> Option<Ready<'a>> {
        let at = self.order.iter().position(|campaign| may_start(campaign))?;
        let campaign = self.order.remove(at)?;
        let queue = self.waiting.get_mut(&campaign)?;
        let contact = queue.pop_front();
        if queue.is_empty() {
            self.waiting.remove(&campaign);
        } else {
            self.order.push_back(campaign);
        }
        contact
    }
}
