//! Reading submitted forms: urlencoded and multipart bodies as ordered pairs, so repeated fields (checkboxes, table
//! rows) keep every value and their order; files sent with a multipart form are kept beside them.

use axum::extract::{FromRequest, Request};
use axum::http::header;

use crate::error::AppError;

/// The fields of a submitted form, and its files.
#[derive(Debug, Default, Clone)]
pub struct Fields(pub Vec<(String, String)>, pub Vec<Upload>);

/// A file sent with a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The form field's name.
    pub name: String,
    /// The file's name on the sender's device.
    pub filename: String,
    /// The bytes.
    pub data: Vec<u8>,
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The field's name.
    pub name: String,
    /// Present for a file.
    pub filename: Option<String>,
    /// The content.
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` content type.
#[must_use]
pub fn multipart_boundary(content_type: &str) -> Option<&str> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim().eq_ignore_ascii_case("boundary").then(|| v.trim().trim_matches('"')).filter(|b| !b.is_empty())
    })
}

/// Splits a `multipart/form-data` body (RFC 7578) into its parts; `None` when it is not well formed.
#[must_use]
pub fn parse_multipart(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("\r\n--{boundary}").into_bytes();
    // The first delimiter has no line break before it.
    let first = format!("--{boundary}").into_bytes();
    let mut rest = body.strip_prefix(first.as_slice())?;
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let end = find(rest, &delimiter)?;
        let (part, after) = rest.split_at(end);
        rest = after.get(delimiter.len()..)?;
        let head_end = find(part, b"\r\n\r\n")?;
        let head = std::str::from_utf8(part.get(..head_end)?).ok()?;
        let data = part.get(head_end + 4..)?.to_vec();
        let disposition = head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case("content-disposition").then_some(v)
        })?;
        let param = |key: &str| {
            disposition.split(';').find_map(|p| {
                let (k, v) = p.trim().split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
            })
        };
        parts.push(Part { name: param("name")?, filename: param("filename"), data });
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl Fields {
    /// The fields and files of a multipart body: text parts as fields, file parts (with content) as uploads.
    fn from_parts(parts: Vec<Part>) -> Result<Self, AppError> {
        let mut fields = Self::default();
        for p in parts {
            match p.filename {
                // An empty file input sends a part with an empty name and no content.
                Some(_) if p.data.is_empty() => {}
                Some(filename) => fields.1.push(Upload { name: p.name, filename, data: p.data }),
                None => {
                    let value = String::from_utf8(p.data)
                        .map_err(|_| AppError::BadRequest("表单内容不是 UTF-8 文本".into()))?;
                    fields.0.push((p.name, value));
                }
            }
        }
        Ok(fields)
    }

    /// The files sent under a field name.
    #[must_use]
    pub fn files(&self, name: &str) -> Vec<&Upload> {
        self.1.iter().filter(|u| u.name == name).collect()
    }
}

impl Fields {
    /// The first value of a field, or "".
    #[must_use]
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a field, in order.
    #[must_use]
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = crate::pages::PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let boundary = multipart_boundary(&content_type).map(str::to_owned);
        if boundary.is_none() && !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err(AppError::BadRequest("请以表单方式提交".into()).into());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| crate::pages::PageError(AppError::TooLarge))?;
        match boundary {
            Some(b) => {
                let parts = parse_multipart(&bytes, &b).ok_or_else(|| AppError::BadRequest("表单格式有误".into()))?;
                Ok(Self::from_parts(parts)?)
            }
            None => Ok(Self(
                form_urlencoded::parse(&bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect(),
                Vec::new(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browsers_multipart_body_is_split_into_fields_and_files() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--XyZ\r\n\
Content-Disposition: form-data; name=\"photo-0\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n\x00\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"photo-1\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n\xe5\xb7\xb2\xe4\xb8\x8b\xe6\x9e\xb6\r\n--XyZ--\r\n";
        assert_eq!(multipart_boundary("multipart/form-data; boundary=XyZ"), Some("XyZ"));
        assert_eq!(multipart_boundary("application/json"), None);
        let parts = parse_multipart(body, "XyZ").unwrap();
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[1].data, b"\xff\xd8\xff\r\n\x00", "a line break inside a file is content");
        let fields = Fields::from_parts(parts).unwrap();
        assert_eq!((fields.get("_csrf"), fields.get("note")), ("abc", "已下架"));
        assert_eq!(fields.files("photo-0")[0].filename, "a.jpg");
        assert!(fields.files("photo-1").is_empty(), "an empty file input sends nothing");
        assert!(parse_multipart(b"--XyZ\r\nno end", "XyZ").is_none());
        assert!(parse_multipart(b"garbage", "XyZ").is_none());
    }
}
