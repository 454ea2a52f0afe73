//! The hash-reading abstraction behind proof generation, and storage errors.
//!
//! Proof generation ([`crate::prove`]) first computes which stored hashes it
//! needs (O(log n) of them, numbered as in [`crate::index`]), then asks a
//! [`HashReader`] for all of them in one call. [`crate::MemLog`] answers from a
//! vector; [`crate::TileLog`] answers from tiles, reading only the tiles that
//! hold the requested hashes.

use std::path::PathBuf;

use thiserror::Error;

use crate::hash::Hash;

/// An error from a hash or tile store.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    /// A requested stored hash does not exist (yet) in the store.
    #[error("存储读取失败：哈希 #{index} 不存在")]
    HashNotFound {
        /// Stored-hash index requested.
        index: u64,
    },
    /// A tile needed for the request is missing.
    #[error("存储读取失败：瓦片 {path} 不存在")]
    TileNotFound {
        /// Tile path (`tile/<L>/<N>[.p/<W>]`).
        path: String,
    },
    /// A tile's data has the wrong length.
    #[error("存储数据损坏：瓦片 {path} 长度为 {len} 字节，不是 32 的整数倍或宽度不足")]
    BadTileData {
        /// Tile path.
        path: String,
        /// Length of the data found.
        len: usize,
    },
    /// A full tile already exists with different content (the log forked).
    #[error("存储写入失败：瓦片 {path} 已存在且内容不同")]
    TileConflict {
        /// Tile path.
        path: String,
    },
    /// A file-system operation failed.
    #[error("存储 I/O 失败：{path}：{message}")]
    Io {
        /// File or directory involved.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// A tree size or tile coordinate beyond what the store supports.
    #[error("存储参数错误：{0}")]
    OutOfRange(String),
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>, err: &std::io::Error) -> Self {
        StoreError::Io { path: path.into(), message: err.to_string() }
    }
}

/// Random access to the stored hashes of a log, by stored-hash index.
pub trait HashReader {
    /// Returns the hashes at `indexes`, in the same order.
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError>;
}

impl HashReader for [Hash] {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        indexes
            .iter()
            .map(|&i| {
                usize::try_from(i).ok().and_then(|u| self.get(u)).copied().ok_or(StoreError::HashNotFound { index: i })
            })
            .collect()
    }
}

impl HashReader for Vec<Hash> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        self.as_slice().read_hashes(indexes)
    }
}
