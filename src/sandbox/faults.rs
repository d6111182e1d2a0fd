//! STUB: fault injection.
use super::FaultRates;

pub struct Faults;

impl Faults {
    pub fn new(rates: FaultRates, seed: u64) -> Self {
        let _ = (rates, seed);
        Self
    }
}
