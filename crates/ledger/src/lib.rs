//! `zhian-ledger`: an append-only Merkle transparency log for product-quality
//! compliance records (产品质量安全合规记录).
//!
//! * Hashing per RFC 6962 §2.1 with SM3 (default) or SHA-256 — [`hash`].
//! * Inclusion and consistency proofs: verification per RFC 9162 §2.1.3/§2.1.4
//!   ([`proof`]), generation per RFC 6962 `PATH`/`SUBPROOF` from stored hashes
//!   ([`prove`]).
//! * O(log n) appends from a compact frontier ([`frontier`]); an in-memory log
//!   ([`MemLog`]); a log persisted as C2SP tlog-tiles ([`TileLog`]) over an
//!   in-memory or on-disk [`TileStore`].
//! * C2SP tlog-checkpoint ([`checkpoint`]) signed as C2SP signed notes
//!   ([`note`]) with Ed25519 or SM2 keys ([`keys`]).
//! * The canonical (RFC 8785 JCS) leaf encoding of a record ([`record`]) and
//!   self-contained, offline-verifiable proof bundles ([`bundle`]).
//! * Helpers for command-line tools ([`cli`]).
//!
//! The library reads no clock and no OS randomness: timestamps are given by
//! the caller and key generation takes a caller-supplied RNG.

pub mod bundle;
pub mod checkpoint;
pub mod cli;
pub mod disk;
pub mod frontier;
pub mod hash;
pub mod hexfmt;
pub mod index;
pub mod keys;
pub mod memlog;
pub mod note;
pub mod proof;
pub mod prove;
pub mod record;
pub mod store;
pub mod tilelog;
pub mod tiles;

pub use bundle::{Bundle, BundleReport, VerifyError, verify_bundle};
pub use checkpoint::{Checkpoint, CheckpointError};
pub use cli::{ConsistencyProofJson, InclusionProofJson, parse_leaf_file};
pub use disk::DiskTileStore;
pub use frontier::Frontier;
pub use hash::{Hash, HashAlg};
pub use keys::{KeyError, SigAlg, SignerKey, VerifierKey, read_key_file, write_key_file};
pub use memlog::MemLog;
pub use note::{NoteError, open_note, sign_note};
pub use proof::{ProofError, verify_consistency, verify_inclusion};
pub use record::{Record, RecordError};
pub use store::{HashReader, StoreError};
pub use tilelog::TileLog;
pub use tiles::{MemTileStore, Tile, TileStore};

/// The `rand_core` version used for key generation, re-exported.
pub use rand_core;
