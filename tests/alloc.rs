//! Proves that training allocates nothing per step once warmed up: a counting global allocator
//! counts the allocations (and reallocations) made by the current thread while steps run, for
//! the benchmark workload and for a `Trainer` step in the middle of an epoch.
//!
//! (Epoch ends are allowed to allocate: the trainer evaluates, keeps a snapshot of the best
//! weights and appends to its history then. Per-step allocation would show up as a count of at
//! least one per step here.)

use overfit::bench::Bench;
use overfit::config::Config;
use overfit::Trainer;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting allocations per thread (tests run on several threads).
struct Counting;

thread_local! {
    // A const-initialized Cell has no destructor, so touching it never allocates itself.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by this thread while `f` runs.
fn allocations_during(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(|c| c.get());
    f();
    ALLOCATIONS.with(|c| c.get()) - before
}

#[test]
fn the_benchmark_workload_allocates_nothing_per_step() {
    // The issue's workload, the page-sized network, batch 1, and odd sizes that exercise the
    // partial GEMM panels; in both arithmetic modes (fused where the CPU has FMA).
    use overfit::arithmetic::{self, Arithmetic};
    let modes = if arithmetic::fused_available() { vec![Arithmetic::Separate, Arithmetic::Fused] } else { vec![Arithmetic::Separate] };
    for mode in modes {
        for (features, hidden, classes, batch) in [(784, vec![256, 256], 10, 64), (2, vec![64, 64], 3, 32), (784, vec![256, 256], 10, 1), (13, vec![9, 17], 3, 7)] {
            let mut b = Bench::new(features, &hidden, classes, batch, 1);
            b.run(3);
            let n = arithmetic::with(mode, || allocations_during(|| b.run(20)));
            assert_eq!(n, 0, "{features}-{hidden:?}-{classes} batch {batch} {mode:?}: {n} allocations in 20 steps");
            assert!(b.last_loss.is_finite());
        }
    }
}

#[test]
fn a_trainer_step_in_the_middle_of_an_epoch_allocates_nothing() {
    let configs = [
        ("page default", "{}"),
        ("momentum, dropout, batch norm, l2", r#"{"optimizer":"momentum","dropout":0.2,"norm":"batch","l2":0.001,"activation":"tanh"}"#),
    ];
    for (name, json) in configs {
        let cfg = Config::from_json(json).unwrap();
        let mut t = Trainer::new(&cfg).unwrap();
        let spe = t.steps_per_epoch();
        assert!(spe >= 6, "{name}: the test needs at least 6 steps per epoch, got {spe}");
        // One whole epoch (every buffer reaches its largest size, the last short batch
        // included) and one step into the next.
        t.run(spe + 1);
        let epoch = t.epoch;
        let n = allocations_during(|| {
            t.run(spe - 3);
        });
        assert_eq!(t.epoch, epoch, "{name}: the measured steps must stay inside one epoch");
        assert_eq!(n, 0, "{name}: {n} allocations in {} steps in the middle of an epoch", spe - 3);
    }
}
