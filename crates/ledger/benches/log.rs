//! Benchmarks against Go's `golang.org/x/mod/sumdb/tlog` peer
//! (`../shared/bench/gotlog`, run by `scripts/bench-ledger.sh`): appends of 64-byte leaves, inclusion proof
//! generation and verification in memory at 1 M and 10 M leaves (SHA-256 and
//! SM3), and inclusion proofs served from a 10 M-leaf on-disk tile store.

#![allow(clippy::print_stdout, reason = "the benchmark prints its figures beside criterion's")]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use zhian_ledger::{DiskTileStore, HashAlg, MemLog, TileLog, verify_inclusion};

/// The Go bench's leaf: 64 bytes, the first three set from the index.
fn leaf(i: u64) -> [u8; 64] {
    let mut l = [0u8; 64];
    l[0] = i as u8;
    l[1] = (i >> 8) as u8;
    l[2] = (i >> 16) as u8;
    l
}

fn build_mem(alg: HashAlg, n: u64) -> MemLog {
    let mut log = MemLog::with_capacity(alg, n as usize);
    let t = Instant::now();
    for i in 0..n {
        log.append(&leaf(i));
    }
    let secs = t.elapsed().as_secs_f64();
    println!("zhian-ledger build alg={alg} n={n} append={:.0} leaves/s", n as f64 / secs);
    log
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn bench_append(c: &mut Criterion) {
    let mut g = c.benchmark_group("append");
    g.throughput(Throughput::Elements(1));
    for alg in [HashAlg::Sha256, HashAlg::Sm3] {
        g.bench_function(alg.name(), |b| {
            b.iter_custom(|iters| {
                let mut log = MemLog::with_capacity(alg, iters as usize);
                let t = Instant::now();
                for i in 0..iters {
                    log.append(black_box(&leaf(i)));
                }
                t.elapsed()
            })
        });
    }
    g.finish();
}

fn bench_memory_proofs(c: &mut Criterion) {
    for (alg, n) in [(HashAlg::Sha256, 1_000_000u64), (HashAlg::Sha256, 10_000_000), (HashAlg::Sm3, 1_000_000)] {
        let log = build_mem(alg, n);
        let root = log.root();
        let label = format!("{}/{}M", alg.name(), n / 1_000_000);
        let mut g = c.benchmark_group("prove");
        let mut j = 0u64;
        g.bench_function(&label, |b| {
            b.iter(|| {
                let index = (j * 7919) % n;
                j = (j + 1) % 20_000;
                black_box(log.inclusion_proof(index, n))
            })
        });
        g.finish();

        let index = (19_999 * 7919) % n;
        let proof = log.inclusion_proof(index, n).unwrap_or_default();
        let leaf_hash = alg.leaf_hash(&leaf(index));
        assert!(verify_inclusion(alg, &leaf_hash, index, n, &proof, &root).is_ok());
        let mut g = c.benchmark_group("verify");
        g.bench_function(&label, |b| {
            b.iter(|| black_box(verify_inclusion(alg, black_box(&leaf_hash), index, n, &proof, &root)))
        });
        g.finish();
    }
}

fn bench_disk_proofs(c: &mut Criterion) {
    let alg = HashAlg::Sha256;
    let n = 10_000_000u64;
    let dir = TempDir(std::env::temp_dir().join(format!("zhian-ledger-bench-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    let build = || -> Result<(), zhian_ledger::StoreError> {
        let store = DiskTileStore::open(&dir.0)?.with_fsync(false);
        let mut log = TileLog::new(alg, store);
        let t = Instant::now();
        for i in 0..n {
            log.append(&leaf(i))?;
        }
        log.flush()?;
        let secs = t.elapsed().as_secs_f64();
        println!("zhian-ledger disk build alg={alg} n={n} append={:.0} leaves/s", n as f64 / secs);
        Ok(())
    };
    if let Err(e) = build() {
        println!("disk build failed: {e}");
        return;
    }
    let opened = DiskTileStore::open(&dir.0).and_then(|s| TileLog::open(alg, s, n));
    let log = match opened {
        Ok(log) => log,
        Err(e) => {
            println!("disk open failed: {e}");
            return;
        }
    };
    let root = log.root();
    let mut g = c.benchmark_group("prove_disk");
    g.measurement_time(Duration::from_secs(4));
    let mut j = 0u64;
    g.bench_function("sha256/10M", |b| {
        b.iter(|| {
            let index = (j * 7919) % n;
            j = (j + 1) % 20_000;
            black_box(log.inclusion_proof(index, n))
        })
    });
    // Cold-cache variant: the tile cache disabled, every tile read from disk.
    let cold = DiskTileStore::open(&dir.0).and_then(|s| TileLog::open(alg, s, n)).map(|l| l.with_cache_capacity(0));
    if let Ok(cold) = cold {
        let mut j = 0u64;
        g.bench_function("sha256/10M/no-tile-cache", |b| {
            b.iter(|| {
                let index = (j * 7919) % n;
                j = (j + 1) % 20_000;
                black_box(cold.inclusion_proof(index, n))
            })
        });
    }
    g.finish();
    let index = (12_345 * 7919) % n;
    let ok = log
        .inclusion_proof(index, n)
        .map(|p| verify_inclusion(alg, &alg.leaf_hash(&leaf(index)), index, n, &p, &root).is_ok());
    println!("zhian-ledger disk proof check: {ok:?}");
}

fn config() -> Criterion {
    Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_append, bench_memory_proofs, bench_disk_proofs
}
criterion_main!(benches);
