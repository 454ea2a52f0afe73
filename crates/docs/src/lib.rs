//! The statutory documents (DOMAIN §5–7): one plain [`model::Document`] per record or list, rendered to PDF
//! ([`pdf::PdfRenderer`], typst with embedded Noto CJK fonts), DOCX ([`docx::docx`]) and XLSX ([`xlsx::xlsx`]), each
//! carrying its verification code and a QR code ([`qr`]) that opens the public verification page.
//!
//! Pure apart from reading font files: no database, no web, no clock.

pub mod archive;
pub mod docx;
pub mod model;
pub mod pdf;
pub mod qr;
pub mod sheet;
pub mod xlsx;

pub use model::{Block, Cell, Column, DocKind, Document, Proof, ProofRecord, Table};

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The CJK font files are missing or unreadable.
    #[error(
        "无法读取中文字体：{0}。请安装 fonts-noto-cjk（Debian/Ubuntu：apt-get install fonts-noto-cjk），或用 ZHIAN_FONT_DIR 指定字体目录"
    )]
    Fonts(String),
    /// typst refused the document.
    #[error("排版失败：{0}")]
    Render(String),
    /// The QR code could not be made.
    #[error("二维码生成失败：{0}")]
    Qr(String),
    /// The DOCX writer failed.
    #[error("Word 文件生成失败：{0}")]
    Docx(String),
    /// The XLSX writer failed.
    #[error("Excel 文件生成失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// An archive could not be written or read.
    #[error("归档文件错误：{0}")]
    Archive(String),
    /// More rows or columns than a format holds.
    #[error("表格过大")]
    TooLarge,
    /// An uploaded file could not be read; the message says why.
    #[error("{0}")]
    Read(String),
}

/// The formats a document comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PDF, for printing and keeping.
    Pdf,
    /// DOCX, for a clerk to edit.
    Docx,
    /// XLSX, for the lists.
    Xlsx,
}

impl Format {
    /// The file extension.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
        }
    }

    /// The format named by its extension.
    #[must_use]
    pub fn from_extension(ext: &str) -> Option<Self> {
        [Self::Pdf, Self::Docx, Self::Xlsx].into_iter().find(|f| f.extension() == ext)
    }

    /// The media type.
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}
