//! Drawing blocks the panes share.

pub mod bar;
pub mod cover;
pub mod fit;
pub mod hints;
pub mod spark;
pub mod table;
