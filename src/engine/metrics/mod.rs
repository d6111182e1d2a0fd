//! Live latency and error metrics.
