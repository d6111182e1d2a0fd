//! Windows over the panes. The topmost takes the keys; closing it gives
//! them back to what is underneath. Forms and confirmations stack here too.

use super::lists::ListId;
use super::palette::Palette;
use crate::ui::forms::{Form, Plan};

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// The keys, the palette's commands, problems in settings files, files.
    Help { scroll: usize },
    /// The focused row in full.
    Detail { list: ListId, scroll: usize },
    /// One audit record in full, by its serial in the audit view.
    AuditRecord { serial: u64, scroll: usize },
    /// Latency and errors per operation.
    Breakdown { scroll: usize },
    /// The `:` command line.
    Palette(Palette),
    /// Typing a `/` filter.
    Filter(FilterPrompt),
    /// Quit while changes are in flight?
    ConfirmQuit,
    /// The forms kept to reopen, the newest first, to choose one from;
    /// `selected` counts from the newest.
    KeptForms { selected: usize },
    /// A change being composed.
    Form(Box<Form>),
    /// Exactly what a change will do, before it is sent.
    Confirm(Box<Confirm>),
    /// What a read-style change returned (a simulation, metrics).
    /// `hang`: 0 for text whose spacing means something (JSON, tables),
    /// cut at the window's edge; else prose, wrapped at words, its lines
    /// continued this far in.
    Result { title: String, text: String, hang: usize, scroll: usize },
}

/// A plan waiting for y or n. Over its form, which n goes back to.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub plan: Plan,
    pub scroll: usize,
}

impl Overlay {
    /// Whether it reads keys itself (typed text, y/n) rather than through
    /// the keymap.
    pub fn reads_keys(&self) -> bool {
        matches!(
            self,
            Self::Palette(_) | Self::Filter(_) | Self::ConfirmQuit | Self::Form(_) | Self::Confirm(_)
        )
    }

    /// Whether `y` copies something from it: the row or record it shows,
    /// or a result's text.
    pub fn copies(&self) -> bool {
        matches!(self, Self::Detail { .. } | Self::AuditRecord { .. } | Self::Result { .. })
    }

    pub fn scroll_mut(&mut self) -> Option<&mut usize> {
        match self {
            Self::Help { scroll }
            | Self::Detail { scroll, .. }
            | Self::AuditRecord { scroll, .. }
            | Self::Breakdown { scroll }
            | Self::Result { scroll, .. } => Some(scroll),
            Self::Confirm(confirm) => Some(&mut confirm.scroll),
            Self::Palette(_)
            | Self::Filter(_)
            | Self::ConfirmQuit
            | Self::KeptForms { .. }
            | Self::Form(_) => None,
        }
    }
}

/// A filter being typed: applied as it is typed, and put back as it was on Esc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterPrompt {
    pub list: ListId,
    pub input: String,
    pub before: String,
}
