//! PDF through typst: A4, the Noto CJK fonts embedded as subsets with their Unicode maps (so the text can be
//! extracted and searched), from font files at known paths — never whatever a machine happens to have installed.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::Error;
use crate::model::{Document, ProofRecord};

/// Where Debian's `fonts-noto-cjk` puts the faces used.
pub const DEFAULT_FONT_DIR: &str = "/usr/share/fonts/opentype/noto";

/// The font files read: the serif face for text, the bold sans face for titles, headings and labels.
pub const FONT_FILES: [&str; 2] = ["NotoSerifCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"];

const TEMPLATE: &str = include_str!("template.typ");

/// Renders documents to PDF. Loading the fonts costs some 50 MB and a tenth of a second, so one renderer is made
/// once and shared.
pub struct PdfRenderer {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    /// typst keeps what it computed for reuse; a render after many others drops what is old.
    renders: Mutex<u32>,
}

impl std::fmt::Debug for PdfRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfRenderer").field("fonts", &self.fonts.len()).finish_non_exhaustive()
    }
}

/// What the template reads as `data.json`.
#[derive(Serialize)]
struct Data<'a> {
    doc: &'a Document,
    footer: String,
    code: &'a str,
    url: &'a str,
    records: &'a [ProofRecord],
    qr: Option<String>,
}

impl PdfRenderer {
    /// Loads the fonts from `dir` (see [`FONT_FILES`]).
    pub fn new(dir: &Path) -> Result<Self, Error> {
        let mut book = FontBook::new();
        let mut fonts = Vec::new();
        for name in FONT_FILES {
            let path: PathBuf = dir.join(name);
            let data = std::fs::read(&path).map_err(|e| Error::Fonts(format!("{}：{e}", path.display())))?;
            let bytes = Bytes::new(data);
            for font in Font::iter(bytes) {
                book.push(font.info().clone());
                fonts.push(font);
            }
        }
        if fonts.is_empty() {
            return Err(Error::Fonts(format!("{} 中没有可用的字体", dir.display())));
        }
        let path = VirtualPath::new("main.typ").map_err(|e| Error::Render(format!("{e:?}")))?;
        let main = Source::new(FileId::new(RootedPath::new(VirtualRoot::Project, path)), TEMPLATE.to_owned());
        Ok(Self {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts,
            main,
            renders: Mutex::new(0),
        })
    }

    /// The document as PDF bytes.
    pub fn render(&self, doc: &Document) -> Result<Vec<u8>, Error> {
        let (footer, code, url, records, qr) = match &doc.proof {
            Some(p) => (
                format!("{} · 验证码 {}", doc.title, p.code),
                p.code.as_str(),
                p.url.as_str(),
                p.records.as_slice(),
                Some(crate::qr::svg(&p.url)?),
            ),
            None => (format!("{} · 草稿，未上链", doc.title), "", "", &[][..], None),
        };
        let data = serde_json::to_vec(&Data { doc, footer, code, url, records, qr })
            .map_err(|e| Error::Render(e.to_string()))?;
        let world = DocWorld { renderer: self, data: Bytes::new(data) };
        let compiled = typst::compile::<typst_layout::PagedDocument>(&world).output.map_err(|errors| {
            Error::Render(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
        })?;
        let pdf = typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default()).map_err(|errors| {
            Error::Render(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
        })?;
        if let Ok(mut renders) = self.renders.lock() {
            *renders += 1;
            if *renders % 256 == 0 {
                typst::comemo::evict(8);
            }
        }
        Ok(pdf)
    }
}

/// One render's world: the shared fonts and template, and this document's data.
struct DocWorld<'a> {
    renderer: &'a PdfRenderer,
    data: Bytes,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.renderer.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.renderer.book
    }

    fn main(&self) -> FileId {
        self.renderer.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.renderer.main.id() {
            Ok(self.renderer.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_without_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id.vpath().get_without_slash() == "data.json" {
            Ok(self.data.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_without_slash().into()))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.renderer.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Documents print their own dates; the template never asks for today's.
        None
    }
}
