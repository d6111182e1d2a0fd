//! What recording a sample and taking a snapshot cost, and proof that
//! recording allocates nothing.
//!
//! Run with `cargo bench --bench metrics`. It prints numbers; it asserts nothing.

use cxone_console::engine::metrics::{ErrorClass, Metrics, Operation, Outcome};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::time::{Duration, Instant as WallClock};
use tokio::time::Instant;

/// Counts the allocations each thread makes, so that one loop's count is
/// not muddied by what other threads do.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_allocation() {
    // `try_with`: the allocator may run while the thread's locals are torn down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter is a const-initialised thread-local that never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const SAMPLES: u64 = 2_000_000;
const THREADS: u64 = 2;
const SNAPSHOTS: u32 = 200;

/// A realistic mix: mostly fast successes, a slow tail, a few errors.
fn sample(i: u64) -> (Operation, Outcome, Duration) {
    let operation = Operation::ALL[(i % Operation::COUNT as u64) as usize];
    let outcome = match i % 50 {
        0 => Outcome::Failed(ErrorClass::Conflict),
        1 => Outcome::Failed(ErrorClass::RateLimited),
        2 => Outcome::Failed(ErrorClass::Validation),
        _ => Outcome::Succeeded,
    };
    let spread = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48;
    let latency = if i.is_multiple_of(100) { 400_000 + spread } else { 5_000 + spread % 50_000 };
    (operation, outcome, Duration::from_micros(latency))
}

/// Records `SAMPLES` samples spread over `span` of run time, so that the
/// window's buckets rotate as they would in a long run.
fn record_spread(metrics: &Metrics, start: Instant, span: Duration) -> (Duration, u64) {
    let step = span / SAMPLES as u32;
    let before = allocations();
    let clock = WallClock::now();
    for i in 0..SAMPLES {
        let (operation, outcome, latency) = sample(i);
        metrics.record_at(start + step * i as u32, black_box(operation), outcome, latency);
    }
    (clock.elapsed(), allocations() - before)
}

fn per_item(elapsed: Duration, items: u64) -> f64 {
    elapsed.as_nanos() as f64 / items as f64
}

fn main() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);

    let (elapsed, allocated) = record_spread(&metrics, start, Duration::from_secs(600));
    println!(
        "record_at, one thread, 10 min of run time: {:.1} ns/sample, {allocated} allocations in {SAMPLES} samples",
        per_item(elapsed, SAMPLES)
    );

    let before = allocations();
    let clock = WallClock::now();
    for i in 0..SAMPLES {
        let (operation, outcome, latency) = sample(i);
        metrics.record(operation, outcome, latency);
    }
    let (elapsed, allocated) = (clock.elapsed(), allocations() - before);
    println!(
        "record (reads the clock), one thread: {:.1} ns/sample, {allocated} allocations in {SAMPLES} samples",
        per_item(elapsed, SAMPLES)
    );

    let contended = Metrics::starting_at(start);
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let metrics = contended.clone();
            std::thread::spawn(move || record_spread(&metrics, start, Duration::from_secs(120)))
        })
        .collect();
    for (n, thread) in threads.into_iter().enumerate() {
        match thread.join() {
            Ok((elapsed, allocated)) => println!(
                "record_at, thread {n} of {THREADS} sharing a handle: {:.1} ns/sample, {allocated} allocations",
                per_item(elapsed, SAMPLES)
            ),
            Err(_) => println!("record_at, thread {n} of {THREADS}: panicked"),
        }
    }

    let now = start + Duration::from_secs(600);
    let clock = WallClock::now();
    for _ in 0..SNAPSHOTS {
        black_box(metrics.snapshot_at(now));
    }
    println!(
        "snapshot_at, 5 operations + overall with full windows: {:.0} ns/snapshot",
        per_item(clock.elapsed(), u64::from(SNAPSHOTS))
    );
}
