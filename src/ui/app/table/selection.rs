//! Which entity a table's selection is on. The entity the supervisor chose
//! and the row the cursor stands on while that one is hidden are kept
//! apart: a filter being typed letter by letter, or a refresh, may hide the
//! chosen entity for a moment, and the selection must go back to it when
//! it shows again rather than stay on whatever row took its place.

use crate::engine::RowKey;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) enum Selection {
    /// Nothing chosen yet (an empty table, a new group).
    #[default]
    None,
    /// On the entity chosen, by key.
    Chosen(RowKey),
    /// The chosen entity is hidden; the cursor stands on `stand_in` (kept
    /// on its entity through refreshes) until it shows again.
    Hidden { chosen: RowKey, stand_in: RowKey },
}

impl Selection {
    pub(super) fn chosen(&self) -> Option<&RowKey> {
        match self {
            Self::None => None,
            Self::Chosen(key) | Self::Hidden { chosen: key, .. } => Some(key),
        }
    }

    pub(super) fn stand_in(&self) -> Option<&RowKey> {
        match self {
            Self::Hidden { stand_in, .. } => Some(stand_in),
            _ => None,
        }
    }

    /// The chosen entity shows again.
    pub(super) fn found(&mut self) {
        *self = match std::mem::take(self) {
            Self::Hidden { chosen, .. } => Self::Chosen(chosen),
            other => other,
        };
    }

    /// The cursor stands on `row` because neither the chosen entity nor
    /// the row standing in for it shows; with nothing chosen, `row` is.
    pub(super) fn stand_on(&mut self, row: RowKey) {
        *self = match std::mem::take(self) {
            Self::None => Self::Chosen(row),
            Self::Chosen(chosen) | Self::Hidden { chosen, .. } => Self::Hidden { chosen, stand_in: row },
        };
    }

    /// The supervisor settles on the row standing in: it is the chosen one.
    pub(super) fn settle(&mut self) {
        *self = match std::mem::take(self) {
            Self::Hidden { stand_in, .. } => Self::Chosen(stand_in),
            other => other,
        };
    }
}
