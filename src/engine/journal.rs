//! Append-only files with group commit.
