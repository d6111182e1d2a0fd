//! The client's own view of the tenant's entities, independent of any
//! dialect's wire format. Enums reuse the domain's, and unknown values from a
//! server land in their `Other` variants rather than failing a whole page.

mod data_action;
mod interaction;
mod outbound;
mod page;
mod user;
mod webhook;

pub use data_action::{ActionVersion, DataAction, MetricsQuery, MetricsRow, RecentExecutions};
pub use interaction::{Attribute, AttributeSnapshot, Channel, Interaction};
pub use outbound::{Campaign, Contact};
pub use page::{ContactFilter, InteractionFilter, ListQuery, MAX_TOP, NoFilter, Page, UserFilter};
pub use user::{StatusChanged, User, UserStatus};
pub use webhook::{ATTRIBUTES_UPDATED, Webhook, WebhookId, WebhookRegistration};
