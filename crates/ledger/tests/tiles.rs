//! Tile stores: the on-disk and in-memory tile logs give the same roots and
//! proofs as the in-memory log, survive reopening, and lay files out as
//! C2SP tlog-tiles.

use std::path::PathBuf;

use zhian_ledger::tiles::{TILE_WIDTH, tile_bytes};
use zhian_ledger::{DiskTileStore, HashAlg, MemLog, MemTileStore, StoreError, Tile, TileLog, TileStore};

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!(
            "zhian-ledger-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn leaf(i: u64) -> [u8; 64] {
    let mut l = [0u8; 64];
    l[..8].copy_from_slice(&i.to_le_bytes());
    l[63] = 0x5a;
    l
}

/// Deterministic sample of indexes in [0, n), including both ends.
fn sample(n: u64, count: u64, seed: u64) -> Vec<u64> {
    let mut out = vec![0, n - 1];
    let mut x = seed;
    for _ in 0..count {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        out.push((x >> 11) % n);
    }
    out
}

#[test]
fn disk_store_100k_leaves_reopen_and_proofs_match_memory() {
    let alg = HashAlg::Sha256;
    let n: u64 = 100_000;
    let tmp = TempDir::new("disk100k");
    let store = DiskTileStore::open(&tmp.0).unwrap().with_fsync(false);
    let mut tlog = TileLog::new(alg, store);
    let mut mem = MemLog::with_capacity(alg, n as usize);
    let mid = 70_000u64;
    for i in 0..n {
        let data = leaf(i);
        assert_eq!(tlog.append(&data).unwrap(), i);
        mem.append(&data);
        if i + 1 == mid {
            tlog.flush().unwrap();
        }
    }
    tlog.flush().unwrap();
    assert_eq!(tlog.root(), mem.root());
    tlog.store_mut().write_checkpoint("checkpoint text\n").unwrap();
    drop(tlog);

    // The directory follows the tlog-tiles layout.
    assert!(tmp.0.join("tile/0/000").is_file());
    assert!(tmp.0.join("tile/0/389").is_file());
    assert!(!tmp.0.join("tile/0/390").exists());
    assert_eq!(std::fs::metadata(tmp.0.join("tile/1/000")).unwrap().len(), 8192);
    // 100000 = 390·256 + 160, 390 = 1·256 + 134, 1 = 0·256 + 1.
    assert_eq!(std::fs::metadata(tmp.0.join("tile/0/390.p/160")).unwrap().len(), 160 * 32);
    assert!(tmp.0.join("tile/1/001.p/134").is_file());
    assert!(tmp.0.join("tile/2/000.p/1").is_file());
    // 70000 = 273·256 + 112: its partial level-0 tile was replaced by the full tile.
    assert!(!tmp.0.join("tile/0/273.p").exists());
    assert!(tmp.0.join("tile/1/001.p/17").is_file());

    // Reopen from disk and compare roots and proofs with the in-memory log.
    let store = DiskTileStore::open(&tmp.0).unwrap().with_fsync(false);
    assert_eq!(store.read_checkpoint().unwrap().as_deref(), Some("checkpoint text\n"));
    let tlog = TileLog::open(alg, store, n).unwrap();
    assert_eq!(tlog.size(), n);
    assert_eq!(tlog.root(), mem.root());
    for size in [1, 2, 255, 256, 257, 65_535, 65_536, 65_537, mid, n - 1, n] {
        assert_eq!(tlog.root_at(size).unwrap(), mem.root_at(size).unwrap(), "{size}");
    }
    for (k, index) in sample(n, 300, 1).into_iter().enumerate() {
        let size = if k % 3 == 0 { n } else { index + 1 + (k as u64 * 977) % (n - index) };
        assert_eq!(
            tlog.inclusion_proof(index, size).unwrap(),
            mem.inclusion_proof(index, size).unwrap(),
            "{index}/{size}"
        );
    }
    for (k, old) in sample(n, 100, 2).into_iter().enumerate() {
        let old = old.max(1);
        let new = old + (k as u64 * 7919) % (n - old + 1);
        assert_eq!(tlog.consistency_proof(old, new).unwrap(), mem.consistency_proof(old, new).unwrap(), "{old}/{new}");
    }
    // Reopening at the earlier flushed size works too, and can keep appending.
    let store = DiskTileStore::open(&tmp.0).unwrap().with_fsync(false);
    let mut again = TileLog::open(alg, store, mid).unwrap();
    assert_eq!(again.root(), mem.root_at(mid).unwrap());
    for i in mid..mid + 1000 {
        again.append(&leaf(i)).unwrap();
    }
    assert_eq!(again.root(), mem.root_at(mid + 1000).unwrap());
}

#[test]
fn memory_tile_store_matches_memlog_while_growing() {
    for alg in [HashAlg::Sm3, HashAlg::Sha256] {
        let mut tlog = TileLog::new(alg, MemTileStore::new()).with_cache_capacity(4);
        let mut mem = MemLog::new(alg);
        for i in 0..1500u64 {
            tlog.append(&leaf(i)).unwrap();
            mem.append(&leaf(i));
            let n = i + 1;
            if n % 97 == 0 || n == 256 || n == 512 || n == 1500 {
                assert_eq!(tlog.root(), mem.root());
                for index in sample(n, 20, n) {
                    assert_eq!(tlog.inclusion_proof(index, n).unwrap(), mem.inclusion_proof(index, n).unwrap());
                }
                let old = 1 + (n * 31) % n;
                assert_eq!(tlog.consistency_proof(old, n).unwrap(), mem.consistency_proof(old, n).unwrap());
            }
        }
        tlog.flush().unwrap();
        let store = tlog.into_store();
        assert_eq!(store.full_tile_count(), 5);
        assert_eq!(
            store.paths(),
            vec![
                "tile/0/000",
                "tile/0/001",
                "tile/0/002",
                "tile/0/003",
                "tile/0/004",
                "tile/0/005.p/220",
                "tile/1/000.p/5"
            ]
        );
        let reopened = TileLog::open(alg, store, 1500).unwrap();
        assert_eq!(reopened.root(), mem.root());
    }
}

#[test]
fn store_errors_are_typed() {
    let alg = HashAlg::Sha256;
    // Reopening beyond the written tiles fails cleanly; a smaller size is
    // served from the wider partial tile.
    let mut tlog = TileLog::new(alg, MemTileStore::new());
    let mut mem = MemLog::new(alg);
    for i in 0..300 {
        tlog.append(&leaf(i)).unwrap();
        mem.append(&leaf(i));
    }
    tlog.flush().unwrap();
    let store = tlog.into_store();
    assert!(matches!(TileLog::open(alg, store.clone(), 301), Err(StoreError::TileNotFound { .. })));
    assert_eq!(TileLog::open(alg, store.clone(), 299).unwrap().root(), mem.root_at(299).unwrap());
    assert!(TileLog::open(alg, store, 300).is_ok());

    // Beyond-size requests are errors, not panics.
    let log = TileLog::new(alg, MemTileStore::new());
    assert!(log.inclusion_proof(0, 1).is_err());
    assert!(log.root_at(1).is_err());

    // Full tiles are immutable on disk.
    let tmp = TempDir::new("conflict");
    let mut store = DiskTileStore::open(&tmp.0).unwrap().with_fsync(false);
    let t = Tile::full(0, 0);
    let a = vec![zhian_ledger::Hash([1; 32]); usize::from(TILE_WIDTH)];
    let b = vec![zhian_ledger::Hash([2; 32]); usize::from(TILE_WIDTH)];
    store.write_tile(&t, &tile_bytes(&a)).unwrap();
    store.write_tile(&t, &tile_bytes(&a)).unwrap();
    assert!(matches!(store.write_tile(&t, &tile_bytes(&b)), Err(StoreError::TileConflict { .. })));
    assert!(matches!(store.write_tile(&t, &tile_bytes(&a[..3])), Err(StoreError::BadTileData { .. })));
    // A partial read is served from the full tile.
    let p = Tile::new(0, 0, 7).unwrap();
    assert_eq!(store.read_tile(&p).unwrap().unwrap().len(), 8192);
    // A corrupted tile file is reported, not trusted.
    std::fs::write(tmp.0.join("tile/0/001"), b"short").unwrap();
    assert!(matches!(store.read_tile(&Tile::full(0, 1)), Err(StoreError::BadTileData { .. })));
    // The fsync path works as well.
    let mut synced = DiskTileStore::open(tmp.0.join("synced")).unwrap();
    synced.write_tile(&p, &tile_bytes(&a[..7])).unwrap();
    synced.write_checkpoint("cp\n").unwrap();
    assert_eq!(synced.read_tile(&Tile::new(0, 0, 3).unwrap()).unwrap().unwrap().len(), 7 * 32);
}
