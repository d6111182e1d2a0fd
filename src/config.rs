//! Settings, profiles, paths and secrets.
