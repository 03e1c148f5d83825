//! Paginated lists: tags and the catalog, following `Link: <…>; rel="next"` with a loop guard.

use std::collections::HashSet;

use reqwest::header::LINK;
use reqwest::Method;
use serde::Deserialize;

use super::{expect_success, read_capped, Registry};
use crate::auth::Scope;
use crate::error::{Error, Result};
use crate::transport::redact;

const PAGE_SIZE: usize = 1000;
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Catalog {
    #[serde(default)]
    repositories: Option<Vec<String>>,
}

impl Registry {
    /// Every tag of `repository`, in the order the registry lists them.
    pub async fn tags(&self, repository: &str) -> Result<Vec<String>> {
        let first = self
            .url(&format!("{repository}/tags/list?n={PAGE_SIZE}"))
            .await?;
        let scope = Scope::repository(repository, &["pull"]);
        self.paginate(first, &scope, &format!("tags of {repository}"), |body| {
            let page: TagList = serde_json::from_slice(body)?;
            Ok(page.tags.unwrap_or_default())
        })
        .await
    }

    /// Every repository name in the catalog (many public registries deny this).
    pub async fn catalog(&self) -> Result<Vec<String>> {
        let first = self.url(&format!("_catalog?n={PAGE_SIZE}")).await?;
        self.paginate(first, &Scope::catalog(), "the catalog", |body| {
            let page: Catalog = serde_json::from_slice(body)?;
            Ok(page.repositories.unwrap_or_default())
        })
        .await
    }

    async fn paginate(
        &self,
        first: String,
        scope: &Scope,
        what: &str,
        parse: impl Fn(&[u8]) -> serde_json::Result<Vec<String>>,
    ) -> Result<Vec<String>> {
        let limits = self.limits();
        let mut seen_urls = HashSet::new();
        let mut items = Vec::new();
        let mut next = Some(first);
        while let Some(url) = next.take() {
            if !seen_urls.insert(url.clone()) || seen_urls.len() > limits.max_pages {
                return Err(Error::Pagination {
                    url: redact(&url),
                    pages: seen_urls.len(),
                });
            }
            let resp = self.send(Method::GET, &url, scope, |r| r).await?;
            let resp = expect_success(resp, what).await?;
            let link = resp
                .headers()
                .get(LINK)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = read_capped(resp, MAX_PAGE_BYTES).await?;
            let page = parse(&body).map_err(|e| Error::Malformed {
                url: redact(&url),
                detail: format!("{what}: {e}"),
            })?;
            // A page that adds nothing new while pointing onwards is a loop in disguise.
            let before = items.len();
            items.extend(page);
            if items.len() > limits.max_listed {
                return Err(Error::TooLarge {
                    what: what.to_string(),
                    url: redact(&url),
                    limit: limits.max_listed as u64,
                    unit: "entries",
                });
            }
            if let Some(link) = link {
                next = next_link(&url, &link).map_err(|detail| Error::Malformed {
                    url: redact(&url),
                    detail,
                })?;
                if next.is_some() && items.len() == before {
                    return Err(Error::Pagination {
                        url: redact(&url),
                        pages: seen_urls.len(),
                    });
                }
            }
        }
        Ok(items)
    }
}

/// The `rel="next"` target of a Link header, resolved against `current`. A link to another
/// origin is refused: it would send our credentials' scope somewhere the user never chose.
pub fn next_link(current: &str, header: &str) -> std::result::Result<Option<String>, String> {
    for part in split_links(header) {
        let part = part.trim();
        let Some(rest) = part.strip_prefix('<') else {
            continue;
        };
        let Some((target, params)) = rest.split_once('>') else {
            continue;
        };
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p.strip_prefix("rel=")
                .map(|v| {
                    v.trim_matches('"')
                        .split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
                })
                .unwrap_or(false)
        });
        if !is_next {
            continue;
        }
        let base = url::Url::parse(current).map_err(|e| format!("bad URL {current}: {e}"))?;
        let resolved = base
            .join(target.trim())
            .map_err(|e| format!("bad Link target {target:?}: {e}"))?;
        if resolved.origin() != base.origin() {
            return Err(format!(
                "Link header points to another host ({}); refused",
                resolved.origin().ascii_serialization()
            ));
        }
        return Ok(Some(resolved.to_string()));
    }
    Ok(None)
}

/// Splits on commas that are outside `<…>` and quotes.
fn split_links(header: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in header.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => depth += 1,
            '>' if !quoted => depth -= 1,
            ',' if !quoted && depth <= 0 => {
                parts.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&header[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://127.0.0.1:5000/v2/_catalog?n=1";

    #[test]
    fn relative_next_link_resolves_against_the_request() {
        let next = next_link(BASE, r#"</v2/_catalog?last=a&n=1>; rel="next""#).unwrap();
        assert_eq!(
            next.as_deref(),
            Some("http://127.0.0.1:5000/v2/_catalog?last=a&n=1")
        );
    }

    #[test]
    fn picks_next_among_several_links() {
        let header = r#"<https://r.example/v2/x?last=b>; rel="prev", </v2/x?last=c>; rel="next""#;
        let next = next_link("https://r.example/v2/x", header).unwrap();
        assert_eq!(next.as_deref(), Some("https://r.example/v2/x?last=c"));
    }

    #[test]
    fn unquoted_rel_and_no_next() {
        assert!(next_link(BASE, "</v2/a>; rel=next").unwrap().is_some());
        assert_eq!(next_link(BASE, r#"</v2/a>; rel="prev""#).unwrap(), None);
        assert_eq!(next_link(BASE, "garbage").unwrap(), None);
    }

    #[test]
    fn refuses_links_to_other_hosts() {
        let err = next_link(BASE, r#"<http://evil.example/v2/_catalog>; rel="next""#).unwrap_err();
        assert!(err.contains("evil.example"));
    }

    #[test]
    fn commas_inside_targets_do_not_split() {
        let header = r#"</v2/x?last=a,b&n=2>; rel="next""#;
        let next = next_link(BASE, header).unwrap();
        assert_eq!(
            next.as_deref(),
            Some("http://127.0.0.1:5000/v2/x?last=a,b&n=2")
        );
    }
}
