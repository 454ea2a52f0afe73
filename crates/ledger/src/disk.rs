//! A [`TileStore`] on the file system, laid out exactly as C2SP tlog-tiles
//! resources so the directory can be served as a static log.
//!
//! ```text
//! <dir>/checkpoint                 latest signed checkpoint
//! <dir>/tile/<L>/<N>               full tiles (8 192 bytes)
//! <dir>/tile/<L>/<N>.p/<W>         partial tiles (W × 32 bytes)
//! ```
//!
//! Every file is written to a temporary file in the same directory and then
//! renamed into place, so readers never see a torn tile. With fsync enabled
//! (the default) the file and its directory are synced before and after the
//! rename. Full tiles are never overwritten: rewriting one with different
//! bytes fails with [`StoreError::TileConflict`]. When a full tile is written,
//! that tile's partial versions are removed.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read as _, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::hash::HASH_SIZE;
use crate::store::StoreError;
use crate::tiles::{FULL_TILE_BYTES, Tile, TileStore, check_tile_data};

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Tiles and checkpoint stored as files under one directory.
#[derive(Debug, Clone)]
pub struct DiskTileStore {
    dir: PathBuf,
    fsync: bool,
}

impl DiskTileStore {
    /// Opens (creating if needed) a store rooted at `dir`, with fsync on.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, StoreError> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, &e))?;
        Ok(DiskTileStore { dir, fsync: true })
    }

    /// Enables or disables fsync of written files (disable only for scratch
    /// logs and benchmarks: a crash may then lose recently written tiles).
    pub fn with_fsync(mut self, fsync: bool) -> Self {
        self.fsync = fsync;
        self
    }

    /// The root directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, tile: &Tile) -> PathBuf {
        self.dir.join(tile.path())
    }

    fn partial_dir(&self, tile: &Tile) -> PathBuf {
        let full = self.file(&tile.to_full());
        let mut name = full.into_os_string();
        name.push(".p");
        PathBuf::from(name)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> Result<(), StoreError> {
        let parent = path.parent().ok_or_else(|| StoreError::OutOfRange(format!("无效路径 {}", path.display())))?;
        fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, &e))?;
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = parent.join(format!(
            ".tmp.{file_name}.{}.{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| {
            let mut f =
                OpenOptions::new().write(true).create_new(true).open(&tmp).map_err(|e| StoreError::io(&tmp, &e))?;
            f.write_all(data).map_err(|e| StoreError::io(&tmp, &e))?;
            if self.fsync {
                f.sync_all().map_err(|e| StoreError::io(&tmp, &e))?;
            }
            drop(f);
            fs::rename(&tmp, path).map_err(|e| StoreError::io(path, &e))?;
            if self.fsync {
                File::open(parent).and_then(|d| d.sync_all()).map_err(|e| StoreError::io(parent, &e))?;
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    fn read_file(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io(path, &e)),
        };
        let mut data = Vec::with_capacity(FULL_TILE_BYTES + 1);
        file.read_to_end(&mut data).map_err(|e| StoreError::io(path, &e))?;
        Ok(Some(data))
    }

    /// Finds the narrowest stored partial version at least `width` wide.
    fn find_wider_partial(&self, tile: &Tile) -> Result<Option<Vec<u8>>, StoreError> {
        let dir = self.partial_dir(tile);
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io(&dir, &e)),
        };
        let mut best: Option<u16> = None;
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&dir, &e))?;
            let name = entry.file_name();
            let Some(w) = name.to_str().and_then(|s| s.parse::<u16>().ok()) else {
                continue;
            };
            if w >= tile.width() && best.is_none_or(|b| w < b) {
                best = Some(w);
            }
        }
        match best {
            Some(w) => Self::read_file(&dir.join(w.to_string())),
            None => Ok(None),
        }
    }
}

impl TileStore for DiskTileStore {
    fn read_tile(&self, tile: &Tile) -> Result<Option<Vec<u8>>, StoreError> {
        let need = usize::from(tile.width()) * HASH_SIZE;
        let data = if tile.is_full() {
            Self::read_file(&self.file(tile))?
        } else {
            match Self::read_file(&self.file(tile))? {
                Some(d) => Some(d),
                None => match Self::read_file(&self.file(&tile.to_full()))? {
                    Some(d) => Some(d),
                    None => self.find_wider_partial(tile)?,
                },
            }
        };
        match data {
            Some(d) if d.len() < need || !d.len().is_multiple_of(HASH_SIZE) => {
                Err(StoreError::BadTileData { path: tile.path(), len: d.len() })
            }
            other => Ok(other),
        }
    }

    fn write_tile(&mut self, tile: &Tile, data: &[u8]) -> Result<(), StoreError> {
        check_tile_data(tile, data)?;
        let full_path = self.file(&tile.to_full());
        if let Some(existing) = Self::read_file(&full_path)? {
            if !existing.starts_with(data) {
                return Err(StoreError::TileConflict { path: tile.path() });
            }
            return Ok(());
        }
        let path = self.file(tile);
        if !tile.is_full()
            && let Some(existing) = Self::read_file(&path)?
        {
            if existing != data {
                return Err(StoreError::TileConflict { path: tile.path() });
            }
            return Ok(());
        }
        self.atomic_write(&path, data)?;
        if tile.is_full() {
            match fs::remove_dir_all(self.partial_dir(tile)) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::io(self.partial_dir(tile), &e)),
            }
        }
        Ok(())
    }

    fn read_checkpoint(&self) -> Result<Option<String>, StoreError> {
        let path = self.dir.join("checkpoint");
        match Self::read_file(&path)? {
            Some(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| StoreError::OutOfRange("checkpoint 文件不是 UTF-8".to_owned())),
            None => Ok(None),
        }
    }

    fn write_checkpoint(&mut self, note: &str) -> Result<(), StoreError> {
        let path = self.dir.join("checkpoint");
        self.atomic_write(&path, note.as_bytes())
    }
}
