//! C2SP tlog-tiles: tile coordinates, tile paths, and the tile storage trait.
//!
//! A tile at level `L` and index `N` holds up to 256 consecutive hashes of
//! tree level `8·L`: at level 0 the leaf hashes, at level `L ≥ 1` the roots of
//! the full tiles of level `L − 1`. Tile `N` at level `L` spans leaves
//! `[N·256^(L+1), (N+1)·256^(L+1))`. The rightmost tile of a level is usually
//! *partial*: `W = ⌊s / 256^L⌋ mod 256` hashes for a tree of size `s`.
//!
//! Paths are `tile/<L>/<N>[.p/<W>]`, where `<N>` is split into zero-padded
//! 3-digit elements, all but the last prefixed with `x`
//! (`1234067` → `x001/x234/067`). The tree levels inside a tile (8 of them) are
//! not stored; they are recomputed by hashing the tile's hashes pairwise.

use std::collections::HashMap;

use thiserror::Error;

use crate::hash::{HASH_SIZE, Hash};
use crate::index::split_stored_hash_index;
use crate::store::StoreError;

/// Tree levels covered by one tile.
pub const TILE_HEIGHT: u8 = 8;
/// Hashes in a full tile.
pub const TILE_WIDTH: u16 = 256;
/// Bytes in a full tile.
pub const FULL_TILE_BYTES: usize = TILE_WIDTH as usize * HASH_SIZE;
/// Highest tile level allowed by the specification.
pub const MAX_TILE_LEVEL: u8 = 63;

/// A malformed tile coordinate or tile path.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TileError {
    /// The level is above 63.
    #[error("瓦片参数错误：层级 {0} 超出 0–63")]
    BadLevel(u64),
    /// The width is not in 1–256.
    #[error("瓦片参数错误：宽度 {0} 超出 1–256")]
    BadWidth(u64),
    /// A tile path does not follow `tile/<L>/<N>[.p/<W>]`.
    #[error("瓦片路径格式错误：{0:?}")]
    BadPath(String),
}

/// The coordinates of a (possibly partial) tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    level: u8,
    index: u64,
    width: u16,
}

impl Tile {
    /// A tile at `level` (0–63), `index`, holding `width` (1–256) hashes.
    pub fn new(level: u8, index: u64, width: u16) -> Result<Self, TileError> {
        if level > MAX_TILE_LEVEL {
            return Err(TileError::BadLevel(u64::from(level)));
        }
        if width == 0 || width > TILE_WIDTH {
            return Err(TileError::BadWidth(u64::from(width)));
        }
        Ok(Tile { level, index, width })
    }

    /// A full tile (256 hashes); `level` is clamped to 63.
    pub fn full(level: u8, index: u64) -> Self {
        Tile { level: level.min(MAX_TILE_LEVEL), index, width: TILE_WIDTH }
    }

    /// Tile level.
    pub fn level(&self) -> u8 {
        self.level
    }

    /// Tile index within its level.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Number of hashes (256 for a full tile).
    pub fn width(&self) -> u16 {
        self.width
    }

    /// Whether the tile is full.
    pub fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// The same tile coordinates with width 256.
    pub fn to_full(&self) -> Self {
        Tile::full(self.level, self.index)
    }

    /// The tile's path, `tile/<L>/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        let mut p = format!("tile/{}/{}", self.level, encode_tile_index(self.index));
        if !self.is_full() {
            p.push_str(&format!(".p/{}", self.width));
        }
        p
    }

    /// Parses a path of the form `tile/<L>/<N>[.p/<W>]`, strictly.
    pub fn parse_path(path: &str) -> Result<Self, TileError> {
        let bad = || TileError::BadPath(path.to_owned());
        let rest = path.strip_prefix("tile/").ok_or_else(bad)?;
        let (level_text, rest) = rest.split_once('/').ok_or_else(bad)?;
        let level = parse_decimal(level_text).ok_or_else(bad)?;
        let level = u8::try_from(level).ok().filter(|l| *l <= MAX_TILE_LEVEL).ok_or_else(bad)?;
        let (index_text, width) = match rest.split_once(".p/") {
            Some((idx, w)) => {
                let w = parse_decimal(w).ok_or_else(bad)?;
                let w = u16::try_from(w).ok().filter(|w| (1..TILE_WIDTH).contains(w)).ok_or_else(bad)?;
                (idx, w)
            }
            None => (rest, TILE_WIDTH),
        };
        let index = decode_tile_index(index_text).ok_or_else(bad)?;
        Ok(Tile { level, index, width })
    }

    /// The tile holding stored hash `index`, with the smallest width that
    /// contains every tile hash needed to compute it.
    pub fn for_stored_hash(index: u64) -> Self {
        let (level, n) = split_stored_hash_index(index);
        let tile_level = level / TILE_HEIGHT;
        let inner = level % TILE_HEIGHT;
        let tile_index = (n << inner) >> TILE_HEIGHT;
        let n_in_tile = n - ((tile_index << TILE_HEIGHT) >> inner);
        let width = ((n_in_tile + 1) << inner) as u16;
        Tile { level: tile_level, index: tile_index, width }
    }
}

fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if text.len() > 1 && text.starts_with('0') {
        return None;
    }
    text.parse().ok()
}

/// Encodes a tile index as `x`-prefixed 3-digit path elements.
pub fn encode_tile_index(mut n: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    n /= 1000;
    while n > 0 {
        groups.push(format!("x{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

/// Decodes the index part of a tile path (the inverse of
/// [`encode_tile_index`]); rejects non-canonical forms.
pub fn decode_tile_index(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split('/').collect();
    let (last, init) = parts.split_last()?;
    let mut n: u64 = 0;
    for (i, part) in init.iter().enumerate() {
        let digits = part.strip_prefix('x')?;
        if digits.len() != 3 || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        if i == 0 && digits == "000" {
            return None;
        }
        n = n.checked_mul(1000)?.checked_add(digits.parse().ok()?)?;
    }
    if last.len() != 3 || !last.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    n.checked_mul(1000)?.checked_add(last.parse().ok()?)
}

/// Splits tile bytes into hashes; `None` unless the length is a multiple of 32.
pub fn tile_hashes(data: &[u8]) -> Option<Vec<Hash>> {
    if !data.len().is_multiple_of(HASH_SIZE) {
        return None;
    }
    Some(data.chunks_exact(HASH_SIZE).filter_map(Hash::from_slice).collect())
}

/// Concatenates hashes into tile bytes.
pub fn tile_bytes(hashes: &[Hash]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hashes.len() * HASH_SIZE);
    for h in hashes {
        out.extend_from_slice(&h.0);
    }
    out
}

/// Storage of tiles and of the latest checkpoint, laid out as C2SP
/// tlog-tiles resources.
///
/// Full tiles are immutable: writing a full tile that already exists with
/// other content must fail with [`StoreError::TileConflict`]. A partial tile
/// may be replaced by a wider one, and may be dropped once the full tile is
/// stored.
pub trait TileStore {
    /// Reads a tile. Returns `Ok(None)` when no version of the tile holding at
    /// least `tile.width()` hashes exists. The data returned may be wider than
    /// requested (a wider partial tile or the full tile); callers use the
    /// first `tile.width()` hashes.
    fn read_tile(&self, tile: &Tile) -> Result<Option<Vec<u8>>, StoreError>;

    /// Writes a full or partial tile; `data` holds `tile.width()` hashes.
    fn write_tile(&mut self, tile: &Tile, data: &[u8]) -> Result<(), StoreError>;

    /// Reads the stored checkpoint (a signed note), if any.
    fn read_checkpoint(&self) -> Result<Option<String>, StoreError>;

    /// Replaces the stored checkpoint.
    fn write_checkpoint(&mut self, note: &str) -> Result<(), StoreError>;
}

pub(crate) fn check_tile_data(tile: &Tile, data: &[u8]) -> Result<(), StoreError> {
    if data.len() != usize::from(tile.width()) * HASH_SIZE {
        return Err(StoreError::BadTileData { path: tile.path(), len: data.len() });
    }
    Ok(())
}

/// A [`TileStore`] in memory (for tests and small logs).
#[derive(Clone, Debug, Default)]
pub struct MemTileStore {
    full: HashMap<(u8, u64), Vec<u8>>,
    partial: HashMap<(u8, u64), Vec<u8>>,
    checkpoint: Option<String>,
}

impl MemTileStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of full tiles stored.
    pub fn full_tile_count(&self) -> usize {
        self.full.len()
    }

    /// Paths of every stored tile (full and partial), sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .full
            .keys()
            .map(|&(l, n)| Tile::full(l, n).path())
            .chain(self.partial.iter().filter_map(|(&(l, n), data)| {
                let w = u16::try_from(data.len() / HASH_SIZE).ok()?;
                Tile::new(l, n, w).ok().map(|t| t.path())
            }))
            .collect();
        out.sort();
        out
    }
}

impl TileStore for MemTileStore {
    fn read_tile(&self, tile: &Tile) -> Result<Option<Vec<u8>>, StoreError> {
        let key = (tile.level(), tile.index());
        if let Some(data) = self.full.get(&key) {
            return Ok(Some(data.clone()));
        }
        let need = usize::from(tile.width()) * HASH_SIZE;
        Ok(self.partial.get(&key).filter(|d| d.len() >= need).cloned())
    }

    fn write_tile(&mut self, tile: &Tile, data: &[u8]) -> Result<(), StoreError> {
        check_tile_data(tile, data)?;
        let key = (tile.level(), tile.index());
        if let Some(existing) = self.full.get(&key) {
            if !existing.starts_with(data) {
                return Err(StoreError::TileConflict { path: tile.path() });
            }
            return Ok(());
        }
        if let Some(existing) = self.partial.get(&key) {
            let common = existing.len().min(data.len());
            if existing.get(..common) != data.get(..common) {
                return Err(StoreError::TileConflict { path: tile.path() });
            }
        }
        if tile.is_full() {
            self.partial.remove(&key);
            self.full.insert(key, data.to_vec());
        } else if self.partial.get(&key).is_none_or(|e| e.len() < data.len()) {
            self.partial.insert(key, data.to_vec());
        }
        Ok(())
    }

    fn read_checkpoint(&self) -> Result<Option<String>, StoreError> {
        Ok(self.checkpoint.clone())
    }

    fn write_checkpoint(&mut self, note: &str) -> Result<(), StoreError> {
        self.checkpoint = Some(note.to_owned());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::stored_hash_index;

    #[test]
    fn index_paths() {
        assert_eq!(encode_tile_index(0), "000");
        assert_eq!(encode_tile_index(999), "999");
        assert_eq!(encode_tile_index(1000), "x001/000");
        assert_eq!(encode_tile_index(1_234_067), "x001/x234/067");
        for n in [0u64, 5, 999, 1000, 1_234_067, u64::MAX] {
            assert_eq!(decode_tile_index(&encode_tile_index(n)), Some(n));
        }
        for bad in ["", "1", "0001", "x000/001", "x01/001", "001/001", "x001", "y001/001"] {
            assert_eq!(decode_tile_index(bad), None, "{bad}");
        }
    }

    #[test]
    fn tile_paths() {
        let t = Tile::new(0, 1_234_067, 256).unwrap();
        assert_eq!(t.path(), "tile/0/x001/x234/067");
        let p = Tile::new(2, 5, 17).unwrap();
        assert_eq!(p.path(), "tile/2/005.p/17");
        for tile in [t, p, Tile::full(63, 0)] {
            assert_eq!(Tile::parse_path(&tile.path()).unwrap(), tile);
        }
        for bad in [
            "tile/64/000",
            "tile/01/000",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/017",
            "tile/0/000/",
            "tiles/0/000",
            "tile/entries/000",
        ] {
            assert!(Tile::parse_path(bad).is_err(), "{bad}");
        }
        assert!(Tile::new(0, 0, 0).is_err());
        assert!(Tile::new(64, 0, 1).is_err());
    }

    #[test]
    fn tile_for_stored_hash() {
        // Leaf 0 is in tile 0/0 at width 1; leaf 256 in tile 0/1.
        let t = Tile::for_stored_hash(stored_hash_index(0, 0).unwrap());
        assert_eq!((t.level(), t.index(), t.width()), (0, 0, 1));
        let t = Tile::for_stored_hash(stored_hash_index(0, 256).unwrap());
        assert_eq!((t.level(), t.index(), t.width()), (0, 1, 1));
        // Level 7 node 0 needs the whole first level-0 tile half.
        let t = Tile::for_stored_hash(stored_hash_index(7, 1).unwrap());
        assert_eq!((t.level(), t.index(), t.width()), (0, 0, 256));
        // Level 8 node 3 is the 4th hash of tile 1/0.
        let t = Tile::for_stored_hash(stored_hash_index(8, 3).unwrap());
        assert_eq!((t.level(), t.index(), t.width()), (1, 0, 4));
    }

    #[test]
    fn mem_store_rules() {
        let mut s = MemTileStore::new();
        let h = [Hash([1; 32]), Hash([2; 32])];
        let p1 = Tile::new(0, 0, 1).unwrap();
        let p2 = Tile::new(0, 0, 2).unwrap();
        s.write_tile(&p1, &tile_bytes(&h[..1])).unwrap();
        s.write_tile(&p2, &tile_bytes(&h)).unwrap();
        assert_eq!(s.read_tile(&p1).unwrap().unwrap().len(), 64);
        let other = [Hash([9; 32])];
        assert!(matches!(s.write_tile(&p1, &tile_bytes(&other)), Err(StoreError::TileConflict { .. })));
        assert!(matches!(s.write_tile(&p2, &tile_bytes(&h[..1])), Err(StoreError::BadTileData { .. })));
        assert_eq!(s.read_tile(&Tile::full(0, 0)).unwrap(), None);
    }
}
