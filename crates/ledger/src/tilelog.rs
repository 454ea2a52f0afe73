//! A log persisted as C2SP tlog-tiles through a [`TileStore`].
//!
//! Memory use is bounded: the compact frontier, the current partial tile of
//! each tile level (at most 8 × 511 hashes), a queue of full tiles not yet
//! written, and a bounded cache of recently used full tiles with their inner
//! levels recomputed. Appends are O(log n) and write each full tile once,
//! when it completes. Proofs read only the tiles that hold the O(log n)
//! hashes they need (see [`crate::prove`]).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use crate::frontier::{Frontier, NewHash};
use crate::hash::{HASH_SIZE, Hash, HashAlg};
use crate::index::{MAX_TREE_SIZE, split_stored_hash_index};
use crate::proof::ProofError;
use crate::prove::{prove_consistency, prove_inclusion, tree_hash};
use crate::store::{HashReader, StoreError};
use crate::tiles::{FULL_TILE_BYTES, TILE_HEIGHT, TILE_WIDTH, Tile, TileStore, tile_bytes, tile_hashes};

/// Default number of expanded full tiles kept in memory per class (level-0
/// tiles, higher-level tiles), 16 KiB each.
pub const DEFAULT_TILE_CACHE: usize = 1024;

const H: usize = TILE_HEIGHT as usize;
const W: usize = TILE_WIDTH as usize;

/// Offset of in-tile level `l` (0–8) in an expanded tile of 511 hashes.
const fn row_offset(l: usize) -> usize {
    2 * W - ((2 * W) >> l)
}

/// A full tile fetched during one request: its key and expanded hashes.
type TileMemo = ((u8, u64), Arc<[Hash]>);

/// The partial tile at one tile level: its hashes at each in-tile level.
#[derive(Clone, Debug, Default)]
struct EdgeTile {
    rows: [Vec<Hash>; H],
}

impl EdgeTile {
    fn from_row(alg: HashAlg, row0: Vec<Hash>) -> Self {
        let mut e = EdgeTile::default();
        e.rows[0] = row0;
        for l in 1..H {
            let below = &e.rows[l - 1];
            let up: Vec<Hash> = below.chunks_exact(2).map(|p| alg.node_hash(&p[0], &p[1])).collect();
            e.rows[l] = up;
        }
        e
    }
}

/// All 511 hashes of a full tile from its 8 192 bytes: the 256 tile hashes,
/// then each level above. `None` if `data` is shorter than a full tile.
fn expand(alg: HashAlg, data: &[u8]) -> Option<Arc<[Hash]>> {
    let mut all: Vec<Hash> = Vec::with_capacity(2 * W - 1);
    all.extend(data.get(..FULL_TILE_BYTES)?.chunks_exact(HASH_SIZE).filter_map(Hash::from_slice));
    let mut start = 0;
    let mut len = W;
    while len > 1 {
        for i in 0..len / 2 {
            let l = *all.get(start + 2 * i)?;
            let r = *all.get(start + 2 * i + 1)?;
            all.push(alg.node_hash(&l, &r));
        }
        start += len;
        len /= 2;
    }
    Some(all.into())
}

/// Expanded full tiles, evicted first-in first-out. Level-0 tiles and
/// higher-level tiles are counted separately, so that a stream of level-0
/// tiles (one per random proof) never evicts the few, hot upper tiles.
#[derive(Debug)]
struct TileCache {
    map: HashMap<(u8, u64), Arc<[Hash]>>,
    /// Insertion order: `[0]` level-0 tiles, `[1]` higher levels.
    order: [VecDeque<(u8, u64)>; 2],
    /// Capacity of each of the two classes.
    capacity: usize,
}

impl TileCache {
    fn new(capacity: usize) -> Self {
        TileCache { map: HashMap::new(), order: [VecDeque::new(), VecDeque::new()], capacity }
    }

    fn get(&self, key: &(u8, u64)) -> Option<Arc<[Hash]>> {
        self.map.get(key).cloned()
    }

    fn insert(&mut self, key: (u8, u64), tile: Arc<[Hash]>) {
        if self.capacity == 0 || self.map.contains_key(&key) {
            return;
        }
        let order = &mut self.order[usize::from(key.0 > 0)];
        while order.len() >= self.capacity {
            match order.pop_front() {
                Some(old) => {
                    self.map.remove(&old);
                }
                None => break,
            }
        }
        self.map.insert(key, tile);
        order.push_back(key);
    }
}

/// An append-only Merkle log stored as tiles.
#[derive(Debug)]
pub struct TileLog<S: TileStore> {
    store: S,
    frontier: Frontier,
    edge: Vec<EdgeTile>,
    pending: VecDeque<(Tile, Vec<u8>, Arc<[Hash]>)>,
    flushed_size: u64,
    cache: Mutex<TileCache>,
    scratch: Vec<NewHash>,
}

impl<S: TileStore> TileLog<S> {
    /// A new, empty log over `store` (which should hold no tiles).
    pub fn new(alg: HashAlg, store: S) -> Self {
        TileLog {
            store,
            frontier: Frontier::new(alg),
            edge: Vec::new(),
            pending: VecDeque::new(),
            flushed_size: 0,
            cache: Mutex::new(TileCache::new(DEFAULT_TILE_CACHE)),
            scratch: Vec::with_capacity(64),
        }
    }

    /// Reopens a log of `size` leaves from `store`, reading O(log n) tiles:
    /// the partial tile of each level and the tiles holding the frontier.
    /// Compare [`TileLog::root`] with the latest signed checkpoint afterwards.
    pub fn open(alg: HashAlg, store: S, size: u64) -> Result<Self, StoreError> {
        if size > MAX_TREE_SIZE {
            return Err(StoreError::OutOfRange(format!("树大小 {size} 超出上限")));
        }
        let mut log = TileLog::new(alg, store);
        let mut level = 0u32;
        while level < 8 && size.checked_shr(8 * level).unwrap_or(0) > 0 {
            let width = (size >> (8 * level)) & 0xff;
            let index = size.checked_shr(8 * (level + 1)).unwrap_or(0);
            let mut edge = EdgeTile::default();
            if width > 0 {
                let tile =
                    Tile::new(level as u8, index, width as u16).map_err(|e| StoreError::OutOfRange(e.to_string()))?;
                let data = log.store.read_tile(&tile)?.ok_or_else(|| StoreError::TileNotFound { path: tile.path() })?;
                let hashes =
                    tile_hashes(&data).ok_or_else(|| StoreError::BadTileData { path: tile.path(), len: data.len() })?;
                let row0 = hashes
                    .get(..width as usize)
                    .map(<[Hash]>::to_vec)
                    .ok_or(StoreError::BadTileData { path: tile.path(), len: data.len() })?;
                edge = EdgeTile::from_row(alg, row0);
            }
            log.edge.push(edge);
            level += 1;
        }
        let mut edge_hashes = Vec::new();
        let mut memo = Vec::new();
        let mut lo = 0u64;
        while lo < size {
            let l = 63 - (size - lo).leading_zeros();
            edge_hashes.push(log.hash_at(size, l as u8, lo >> l, &mut memo)?);
            lo += 1 << l;
        }
        log.frontier = Frontier::from_parts(alg, size, edge_hashes)
            .ok_or_else(|| StoreError::OutOfRange("前沿哈希数量错误".to_owned()))?;
        log.flushed_size = size;
        Ok(log)
    }

    /// Sets how many expanded full tiles are cached: up to `tiles` level-0
    /// tiles plus up to `tiles` higher-level tiles, 16 KiB each (0 disables
    /// the cache).
    pub fn with_cache_capacity(self, tiles: usize) -> Self {
        if let Ok(mut c) = self.cache.lock() {
            *c = TileCache::new(tiles);
        }
        self
    }

    /// The hash algorithm.
    pub fn alg(&self) -> HashAlg {
        self.frontier.alg()
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// The current root hash.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// The underlying store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Mutable access to the underlying store (e.g. to write a checkpoint).
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// Appends leaf data; returns the leaf index. See
    /// [`TileLog::append_leaf_hash`] for the error semantics.
    pub fn append(&mut self, data: &[u8]) -> Result<u64, StoreError> {
        let h = self.alg().leaf_hash(data);
        self.append_leaf_hash(h)
    }

    /// Appends a leaf hash; returns the leaf index. Full tiles completed by
    /// this leaf are written to the store. If a write fails the leaf is still
    /// appended in memory, the tile stays queued, and the next append or
    /// [`TileLog::flush`] retries it.
    pub fn append_leaf_hash(&mut self, leaf_hash: Hash) -> Result<u64, StoreError> {
        let index = self.frontier.size();
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        if !self.frontier.append_with(leaf_hash, |x| scratch.push(x)) {
            self.scratch = scratch;
            return Err(StoreError::OutOfRange("日志已达最大容量".to_owned()));
        }
        for x in &scratch {
            self.absorb(*x);
        }
        self.scratch = scratch;
        self.write_pending()?;
        Ok(index)
    }

    fn absorb(&mut self, x: NewHash) {
        let tile_level = usize::from(x.level / TILE_HEIGHT);
        let inner = usize::from(x.level % TILE_HEIGHT);
        if inner == 0 && tile_level > 0 {
            // x is the root of the full tile (tile_level − 1, x.index).
            if let Some(done) = self.edge.get_mut(tile_level - 1) {
                let done = std::mem::take(done);
                let mut all: Vec<Hash> = Vec::with_capacity(2 * W - 1);
                for row in &done.rows {
                    all.extend_from_slice(row);
                }
                all.push(x.hash);
                let tile = Tile::full((tile_level - 1) as u8, x.index);
                let bytes = tile_bytes(&done.rows[0]);
                self.pending.push_back((tile, bytes, all.into()));
            }
        }
        while self.edge.len() <= tile_level {
            self.edge.push(EdgeTile::default());
        }
        if let Some(e) = self.edge.get_mut(tile_level) {
            e.rows[inner].push(x.hash);
        }
    }

    fn write_pending(&mut self) -> Result<(), StoreError> {
        while let Some((tile, bytes, expanded)) = self.pending.front() {
            self.store.write_tile(tile, bytes)?;
            let key = (tile.level(), tile.index());
            let expanded = Arc::clone(expanded);
            self.cache_insert(key, expanded);
            self.pending.pop_front();
        }
        Ok(())
    }

    /// Writes queued full tiles and the partial tiles of the current size, so
    /// that the store can serve (and [`TileLog::open`] reload) this size.
    pub fn flush(&mut self) -> Result<(), StoreError> {
        self.write_pending()?;
        let size = self.size();
        if self.flushed_size == size {
            return Ok(());
        }
        for (level, edge) in self.edge.iter().enumerate() {
            let width = edge.rows[0].len();
            if width == 0 {
                continue;
            }
            let index = size.checked_shr(8 * (level as u32 + 1)).unwrap_or(0);
            let tile =
                Tile::new(level as u8, index, width as u16).map_err(|e| StoreError::OutOfRange(e.to_string()))?;
            self.store.write_tile(&tile, &tile_bytes(&edge.rows[0]))?;
        }
        self.flushed_size = size;
        Ok(())
    }

    fn cache_insert(&self, key: (u8, u64), tile: Arc<[Hash]>) {
        let mut c = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        c.insert(key, tile);
    }

    fn full_tile(&self, level: u8, index: u64, memo: &mut Vec<TileMemo>) -> Result<Arc<[Hash]>, StoreError> {
        let key = (level, index);
        if let Some((_, t)) = memo.iter().find(|(k, _)| *k == key) {
            return Ok(Arc::clone(t));
        }
        let tile = self.load_full_tile(key)?;
        memo.push((key, Arc::clone(&tile)));
        Ok(tile)
    }

    fn load_full_tile(&self, key: (u8, u64)) -> Result<Arc<[Hash]>, StoreError> {
        let (level, index) = key;
        {
            let c = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(t) = c.get(&key) {
                return Ok(t);
            }
        }
        if let Some((_, _, t)) = self.pending.iter().find(|(t, _, _)| (t.level(), t.index()) == key) {
            return Ok(Arc::clone(t));
        }
        let tile = Tile::full(level, index);
        let data = self.store.read_tile(&tile)?.ok_or_else(|| StoreError::TileNotFound { path: tile.path() })?;
        let expanded =
            expand(self.alg(), &data).ok_or_else(|| StoreError::BadTileData { path: tile.path(), len: data.len() })?;
        self.cache_insert(key, Arc::clone(&expanded));
        Ok(expanded)
    }

    /// The stored hash at tree `level`, position `n`, for a log of `size`.
    fn hash_at(&self, size: u64, level: u8, n: u64, memo: &mut Vec<TileMemo>) -> Result<Hash, StoreError> {
        let tile_level = level / TILE_HEIGHT;
        let inner = u32::from(level % TILE_HEIGHT);
        let tile_index = (n << inner) >> TILE_HEIGHT;
        let j = n - ((tile_index << TILE_HEIGHT) >> inner);
        let partial = size.checked_shr(u32::from(TILE_HEIGHT) * (u32::from(tile_level) + 1)).unwrap_or(0);
        let missing = || StoreError::OutOfRange(format!("节点 ({level}, {n}) 不在日志中"));
        if tile_index < partial {
            let t = self.full_tile(tile_level, tile_index, memo)?;
            t.get(row_offset(inner as usize) + j as usize).copied().ok_or_else(missing)
        } else if tile_index == partial {
            self.edge
                .get(usize::from(tile_level))
                .and_then(|e| e.rows[inner as usize].get(j as usize))
                .copied()
                .ok_or_else(missing)
        } else {
            Err(missing())
        }
    }

    fn check_size(&self, size: u64) -> Result<(), ProofError> {
        if size > self.size() {
            return Err(ProofError::SizeBeyondLog { size, log_size: self.size() });
        }
        Ok(())
    }

    /// Root hash of the tree of the first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, ProofError> {
        self.check_size(size)?;
        tree_hash(self.alg(), size, self)
    }

    /// Inclusion proof for leaf `index` in the tree of the first `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, ProofError> {
        self.check_size(size)?;
        prove_inclusion(self.alg(), size, index, self)
    }

    /// Consistency proof between the trees of `old_size` and `new_size` leaves.
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<Vec<Hash>, ProofError> {
        self.check_size(new_size)?;
        prove_consistency(self.alg(), old_size, new_size, self)
    }

    /// Consumes the log, returning the store (call [`TileLog::flush`] first).
    pub fn into_store(self) -> S {
        self.store
    }
}

impl<S: TileStore> HashReader for TileLog<S> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        let size = self.size();
        // Tiles used by this request, so each is fetched at most once even
        // when the cache is small or disabled.
        let mut memo = Vec::new();
        indexes
            .iter()
            .map(|&i| {
                let (level, n) = split_stored_hash_index(i);
                self.hash_at(size, level, n, &mut memo)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level0_tiles_do_not_evict_upper_tiles() {
        let tile: Arc<[Hash]> = vec![Hash::default(); 1].into();
        let mut c = TileCache::new(2);
        c.insert((1, 0), Arc::clone(&tile));
        for n in 0..10 {
            c.insert((0, n), Arc::clone(&tile));
        }
        assert!(c.get(&(1, 0)).is_some());
        assert!(c.get(&(0, 9)).is_some() && c.get(&(0, 8)).is_some());
        assert!(c.get(&(0, 7)).is_none());
        let mut off = TileCache::new(0);
        off.insert((0, 0), tile);
        assert!(off.get(&(0, 0)).is_none());
    }

    #[test]
    fn expand_rejects_short_tiles() {
        assert!(expand(HashAlg::Sha256, &[0u8; 100]).is_none());
        let t = expand(HashAlg::Sha256, &[0u8; FULL_TILE_BYTES]).unwrap();
        assert_eq!(t.len(), 2 * W - 1);
        assert_eq!(row_offset(8), 2 * W - 2);
    }
}
