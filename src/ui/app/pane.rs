//! The panes a supervisor moves between.

/// What the main area shows, and where keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneId {
    Agents,
    Interactions,
    Campaigns,
    DataActions,
    Audit,
}

impl PaneId {
    /// Tab order.
    pub const ALL: [Self; 5] =
        [Self::Agents, Self::Interactions, Self::Campaigns, Self::DataActions, Self::Audit];
    /// The entity panes, which take turns in the main area.
    pub const ENTITIES: [Self; 4] = [Self::Agents, Self::Interactions, Self::Campaigns, Self::DataActions];

    pub fn title(self) -> &'static str {
        match self {
            Self::Agents => "Agents",
            Self::Interactions => "Interactions",
            Self::Campaigns => "Campaigns",
            Self::DataActions => "Data actions",
            Self::Audit => "Audit log",
        }
    }

    /// The title where the tab bar is short of room.
    pub fn short_title(self) -> &'static str {
        match self {
            Self::Agents => "Agents",
            Self::Interactions => "Inter.",
            Self::Campaigns => "Camp.",
            Self::DataActions => "Data",
            Self::Audit => "Audit",
        }
    }

    /// The number key shown beside the title.
    pub fn number(self) -> char {
        match self {
            Self::Agents => '1',
            Self::Interactions => '2',
            Self::Campaigns => '3',
            Self::DataActions => '4',
            Self::Audit => '5',
        }
    }

    pub fn is_entity(self) -> bool {
        self != Self::Audit
    }

    pub fn next(self) -> Self {
        Self::ALL[(self.index() + 1) % Self::ALL.len()]
    }

    pub fn prev(self) -> Self {
        Self::ALL[(self.index() + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// Which half of the campaigns pane has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CampaignSide {
    #[default]
    Campaigns,
    Contacts,
}
