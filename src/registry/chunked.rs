//! The file upload engines: one streaming PUT when the digest is known, and PATCHes (one for a
//! streamed upload, several for a chunked one) that resume after a dropped connection or a server
//! error, then a PUT of the digest.
//!
//! Resuming follows the spec: ask the registry where the upload stands (`Range: 0-N`), bring the
//! hasher there (from its copy at the chunk start, re-reading what the registry kept of the
//! chunk), and go on from N+1. distribution 2.8 cannot do that after a body broke off partway: it
//! keeps the partial bytes, then drops the session because its size no longer matches the offset
//! signed into the Location. The upload then starts again in a new session.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::{Method, Response, StatusCode};
use url::Url;

use super::body::{FileBody, ReadOutcome};
use super::session::{
    check_stored_digest, redact, registry_offset, with_digest, Session, UploadStatus,
};
use super::upload::{algorithm_for, push_scope};
use super::{expect_success, Registry};
use crate::auth::Scope;
use crate::digest::{Digest, Hasher};
use crate::error::{Error, Result};
use crate::transfer::{Cancel, Progress};

/// Failed attempts in a row (a chunk, a status query, a new session) before giving up.
const MAX_FAILURES: u32 = 4;
/// New sessions after the registry lost one, per upload.
const MAX_RESTARTS: u32 = 3;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// How often a request in flight reports progress and looks for cancellation.
const TICK: Duration = Duration::from_millis(25);
/// A body that has not moved for this long is given up on.
const STALL: Duration = Duration::from_secs(60);
/// How long the registry may take to answer once it has the whole body (it may re-read and hash
/// a large blob before committing it).
const ANSWER_WAIT: Duration = Duration::from_secs(300);

/// What the caller watches an upload with.
struct Watch<'a> {
    progress: Progress<'a>,
    cancel: &'a Cancel,
}

/// How a request with a file body ended.
// Short-lived and returned once per request: boxing the answer would buy nothing.
#[allow(clippy::large_enum_variant)]
enum BodyOutcome {
    /// The registry answered; the hasher covers the range if the reader got to its end.
    Answered(Response, Option<Hasher>),
    /// The connection failed after `sent` bytes of the range; worth resuming.
    Broken(Error, u64),
    /// The file, the caller or the hasher ended it: no retry can help.
    Fatal(Error),
}

/// One request with a range of the file as its body.
struct BodyRequest<'a> {
    method: Method,
    url: &'a Url,
    session: &'a Session,
    scope: &'a Scope,
    content_range: Option<String>,
    start: u64,
    end: u64,
    hasher: Hasher,
    expected: Option<&'a Digest>,
}

impl Registry {
    /// POST, then one PUT `?digest=` streaming the file. Not resumed: a failure cancels the
    /// session, so nothing is committed, and the caller decides whether to try again.
    pub(super) async fn put_whole(
        &self,
        repository: &str,
        body: &FileBody,
        expected: &Digest,
        progress: Progress<'_>,
        cancel: &Cancel,
    ) -> Result<()> {
        let watch = Watch { progress, cancel };
        let scope = push_scope(repository);
        let what = format!("blob {expected} (file {})", body.path().display());
        let (session, _) = self.start_upload(repository, &scope).await?;
        let url = with_digest(&session.location, expected);
        let outcome = self
            .send_body(
                BodyRequest {
                    method: Method::PUT,
                    url: &url,
                    session: &session,
                    scope: &scope,
                    content_range: None,
                    start: 0,
                    end: body.len(),
                    hasher: Hasher::new(expected.algorithm()),
                    expected: Some(expected),
                },
                body,
                &watch,
            )
            .await;
        let result = match outcome {
            BodyOutcome::Answered(resp, _) if resp.status().is_success() => {
                check_stored_digest(&resp, expected, &what)
            }
            BodyOutcome::Answered(resp, _) => {
                expect_success(resp, &format!("the upload of {what}"))
                    .await
                    .map(drop)
            }
            BodyOutcome::Broken(e, sent) => Err(Error::Connect {
                url: redact(&session.location),
                detail: format!("the upload of {what} broke off at byte {sent}: {e}"),
            }),
            BodyOutcome::Fatal(e) => Err(e),
        };
        if result.is_err() {
            self.cancel_upload(repository, &session).await;
        }
        result
    }

    /// POST, PATCHes of `chunk` bytes from the file (resumed or restarted on failure), then PUT
    /// `?digest=` with the digest of what was sent, which must be `expected` when given.
    pub(super) async fn upload_in_chunks(
        &self,
        repository: &str,
        body: &FileBody,
        expected: Option<&Digest>,
        chunk: u64,
        progress: Progress<'_>,
        cancel: &Cancel,
    ) -> Result<Digest> {
        let watch = Watch { progress, cancel };
        let scope = push_scope(repository);
        let what = match expected {
            Some(d) => format!("blob {d} (file {})", body.path().display()),
            None => format!("file {}", body.path().display()),
        };
        let (session, min_chunk) = self.start_upload(repository, &scope).await?;
        let chunk = chunk.max(min_chunk.unwrap_or(0));
        let mut run = Run {
            session,
            had_auth: self.authorizer.cached(&scope).is_some(),
            offset: 0,
            hasher: Hasher::new(algorithm_for(expected)),
            failures: 0,
            restarts: 0,
            last_error: None,
            zero_is_one: false,
        };
        let result = self
            .run_chunks(
                repository, &scope, body, expected, chunk, &what, &watch, &mut run,
            )
            .await;
        let digest = match result {
            Ok(()) => run.hasher.clone().finish(),
            Err(e) => {
                self.cancel_upload(repository, &run.session).await;
                return Err(e);
            }
        };
        if let Some(expected) = expected.filter(|e| **e != digest) {
            self.cancel_upload(repository, &run.session).await;
            return Err(Error::DigestMismatch {
                what: format!("file {}", body.path().display()),
                expected: expected.clone(),
                actual: digest,
            });
        }
        if let Err(e) = self
            .finish_upload(repository, &run.session, &digest, None, &what)
            .await
        {
            self.cancel_upload(repository, &run.session).await;
            return Err(e);
        }
        Ok(digest)
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_chunks(
        &self,
        repository: &str,
        scope: &Scope,
        body: &FileBody,
        expected: Option<&Digest>,
        chunk: u64,
        what: &str,
        watch: &Watch<'_>,
        run: &mut Run,
    ) -> Result<()> {
        let len = body.len();
        let mut step = Step::Send;
        loop {
            if watch.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            step = match step {
                Step::Send if run.offset >= len => return Ok(()),
                Step::Send => {
                    // The chunk size may be the registry's OCI-Chunk-Min-Length: any number.
                    let end = run.offset.saturating_add(chunk).min(len);
                    self.send_chunk(scope, body, expected, end, watch, run)
                        .await?
                }
                Step::Resync => match self.upload_status(&run.session, scope, what).await {
                    Ok(UploadStatus::At(at, session)) => {
                        run.session = session;
                        self.resume_at(body, at, run).await?
                    }
                    Ok(UploadStatus::Gone) => Step::Restart,
                    Err(e) => run.failed(e, Step::Resync),
                },
                Step::Restart if run.restarts >= MAX_RESTARTS => {
                    return Err(
                        run.give_up(what, Some("the registry kept losing the upload session"))
                    )
                }
                Step::Restart => {
                    self.cancel_upload(repository, &run.session).await;
                    match self.start_upload(repository, scope).await {
                        Ok((session, _)) => {
                            tracing::debug!(
                                what,
                                at = run.offset,
                                "upload restarts in a new session"
                            );
                            run.restarts += 1;
                            run.session = session;
                            run.offset = 0;
                            run.hasher = Hasher::new(algorithm_for(expected));
                            Step::Send
                        }
                        Err(e) => run.failed(e, Step::Restart),
                    }
                }
            };
            if run.failures >= MAX_FAILURES {
                return Err(run.give_up(what, None));
            }
            if run.failures > 0 && !matches!(step, Step::Send) {
                let backoff = FIRST_BACKOFF * 2u32.pow(run.failures - 1);
                tokio::time::sleep(backoff).await;
            }
        }
    }

    /// Sends `[run.offset, end)` as one PATCH and says what to do next.
    async fn send_chunk(
        &self,
        scope: &Scope,
        body: &FileBody,
        expected: Option<&Digest>,
        end: u64,
        watch: &Watch<'_>,
        run: &mut Run,
    ) -> Result<Step> {
        self.refresh_auth(&run.session, scope, run.had_auth).await?;
        let start = run.offset;
        let location = run.session.location.clone();
        let outcome = self
            .send_body(
                BodyRequest {
                    method: Method::PATCH,
                    url: &location,
                    session: &run.session,
                    scope,
                    content_range: (end > start).then(|| format!("{start}-{}", end - 1)),
                    start,
                    end,
                    hasher: run.hasher.clone(),
                    expected,
                },
                body,
                watch,
            )
            .await;
        let (resp, hasher) = match outcome {
            BodyOutcome::Fatal(e) => return Err(e),
            BodyOutcome::Broken(e, sent) => {
                tracing::debug!(error = %e, at = start + sent, "upload chunk broke off");
                return Ok(run.failed(e, Step::Resync));
            }
            BodyOutcome::Answered(resp, hasher) => (resp, hasher),
        };
        let status = resp.status();
        if status.is_success() {
            if let Ok(session) = self.session_of(&resp).await {
                run.session = session;
            }
            let stated = resp.headers().get("range");
            let at = match registry_offset(&resp) {
                // `0-0` after a 1-byte chunk from 0 can only mean that byte.
                Some(0) if end == 1 => 1,
                Some(at) => at,
                // No Range at all: the registry took the chunk, as it said 2xx.
                None if stated.is_none() => end,
                None => {
                    return Err(Error::Malformed {
                        url: redact(&location),
                        detail: format!(
                            "an upload answer with the unusable Range {:?}",
                            String::from_utf8_lossy(stated.map_or(&[][..], |v| v.as_bytes()))
                        ),
                    })
                }
            };
            if let (true, Some(hasher)) = (at == end, hasher) {
                run.offset = end;
                run.hasher = hasher;
                run.failures = 0;
                return Ok(Step::Send);
            }
            // The registry acknowledged less than it was sent: continue from what it has. An
            // answer that keeps the upload where it was is a failure, or a registry that always
            // says `0-0` would be sent the same chunk forever.
            let next = self.resume_at(body, at, run).await?;
            if run.offset > start || matches!(next, Step::Restart) {
                return Ok(next);
            }
            let range = resp
                .headers()
                .get("range")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none");
            let stuck = Error::Malformed {
                url: redact(&location),
                detail: format!(
                    "the registry answered {status} with Range: {range} to the {} bytes from byte {start}: the upload makes no progress",
                    end - start
                ),
            };
            return Ok(run.failed(stuck, next));
        }
        let problem = Error::Status {
            url: redact(&location),
            status: status.as_u16(),
            code: None,
            message: format!("answer to the chunk at byte {start}"),
        };
        match status {
            StatusCode::UNAUTHORIZED if run.session.own_origin => {
                let challenge = resp
                    .headers()
                    .get(WWW_AUTHENTICATE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                self.authorizer
                    .authorize(&challenge, scope, location.as_str())
                    .await?;
                run.had_auth = true;
                Ok(run.failed(problem, Step::Resync))
            }
            StatusCode::RANGE_NOT_SATISFIABLE => {
                // `0-0` was read as empty but meant one byte: see `registry_offset`.
                run.zero_is_one = start == 0;
                Ok(run.failed(problem, Step::Resync))
            }
            StatusCode::NOT_FOUND => Ok(run.failed(problem, Step::Restart)),
            s if s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS => {
                Ok(run.failed(problem, Step::Resync))
            }
            _ => Err(expect_success(resp, "an upload chunk")
                .await
                .err()
                .unwrap_or(problem)),
        }
    }

    /// Continues where the registry says it is: within the chunk just tried, by re-hashing the
    /// part it kept; anywhere else, in a new session.
    async fn resume_at(&self, body: &FileBody, at: u64, run: &mut Run) -> Result<Step> {
        let at = if at == 0 && run.zero_is_one { 1 } else { at };
        if at < run.offset || at > body.len() {
            tracing::debug!(at, offset = run.offset, "the registry's offset is unusable");
            return Ok(Step::Restart);
        }
        if at > run.offset {
            run.hasher = body.rehash(run.hasher.clone(), run.offset, at).await?;
            run.offset = at;
        }
        Ok(Step::Send)
    }

    /// Before a body request: a token that expired since the last one is renewed with a cheap
    /// bodiless request, so the body is not sent only to be refused.
    async fn refresh_auth(&self, session: &Session, scope: &Scope, had_auth: bool) -> Result<()> {
        if !(session.own_origin && had_auth) || self.authorizer.cached(scope).is_some() {
            return Ok(());
        }
        self.send(Method::GET, session.location.as_str(), scope, |r| r)
            .await
            .map(drop)
    }

    /// Sends one request whose body is a range of the file, reporting progress and watching
    /// for cancellation while it goes. Never retried here: the body can only be read once.
    async fn send_body(
        &self,
        req: BodyRequest<'_>,
        file: &FileBody,
        watch: &Watch<'_>,
    ) -> BodyOutcome {
        let (body, reader) =
            file.stream(req.start, req.end, req.hasher, req.expected, watch.cancel);
        let client = self.transport.upload_client();
        let mut builder = client
            .request(req.method, req.url.as_str())
            .header(CONTENT_TYPE, "application/octet-stream")
            .header(CONTENT_LENGTH, req.end - req.start)
            .body(body);
        if let Some(range) = &req.content_range {
            builder = builder.header("content-range", range);
        }
        // Only the registry's own origin gets our credentials (see the module comment of upload).
        let auth: Option<HeaderValue> = req
            .session
            .own_origin
            .then(|| self.authorizer.cached(req.scope))
            .flatten();
        if let Some(value) = auth {
            builder = builder.header(AUTHORIZATION, value);
        }
        let request = match builder.build() {
            Ok(r) => r,
            Err(e) => return BodyOutcome::Fatal(Error::Invalid(e.to_string())),
        };
        let length = req.end - req.start;
        let sent = reader.sent.clone();
        let answer = drive(client.execute(request), &sent, req.start, length, watch).await;
        let read = reader.outcome().await;
        let sent = sent.load(Ordering::SeqCst);
        match (answer, read) {
            // What the file or the caller did explains the failure better than the network.
            (_, ReadOutcome::Failed(e)) => BodyOutcome::Fatal(e),
            (Err(Stop::Cancelled), _) => BodyOutcome::Fatal(Error::Cancelled),
            (Err(Stop::Stalled), _) => BodyOutcome::Broken(
                Error::Connect {
                    url: redact(req.url),
                    detail: "the upload stalled: no progress, or no answer after the body".into(),
                },
                sent,
            ),
            (Ok(Err(e)), _) => {
                BodyOutcome::Broken(self.transport.classify(req.url.as_str(), e), sent)
            }
            (Ok(Ok(resp)), ReadOutcome::Done(h)) => BodyOutcome::Answered(resp, Some(h)),
            (Ok(Ok(resp)), ReadOutcome::Stopped) => BodyOutcome::Answered(resp, None),
        }
    }
}

/// Where a chunked upload stands.
struct Run {
    session: Session,
    /// The session was opened with credentials, so body requests need them too.
    had_auth: bool,
    /// Bytes the registry holds.
    offset: u64,
    /// The hash of the file's first `offset` bytes.
    hasher: Hasher,
    failures: u32,
    restarts: u32,
    last_error: Option<Error>,
    zero_is_one: bool,
}

impl Run {
    fn failed(&mut self, error: Error, next: Step) -> Step {
        self.failures += 1;
        self.last_error = Some(error);
        next
    }

    fn give_up(&mut self, what: &str, why: Option<&str>) -> Error {
        let url = redact(&self.session.location);
        let last = match self.last_error.take() {
            // Said once is enough: the URL leads the message already.
            Some(Error::Connect { url: u, detail }) if u == url => format!(": {detail}"),
            Some(e) => format!(": {e}"),
            None => String::new(),
        };
        let why = why.map(|w| format!(" ({w})")).unwrap_or_default();
        Error::Connect {
            url,
            detail: format!(
                "the upload of {what} stopped at byte {} after {} failed attempts{why}{last}",
                self.offset, self.failures
            ),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Step {
    /// PATCH the next chunk.
    Send,
    /// Ask the registry where the upload stands.
    Resync,
    /// Open a new session and start from byte 0.
    Restart,
}

enum Stop {
    Cancelled,
    Stalled,
}

/// Waits for `request`, reporting `base + sent` as progress on a timer, and stops early when
/// the caller cancels or the body stops moving before it is complete.
async fn drive<T>(
    request: impl Future<Output = T>,
    sent: &AtomicU64,
    base: u64,
    length: u64,
    watch: &Watch<'_>,
) -> std::result::Result<T, Stop> {
    tokio::pin!(request);
    let mut reported = u64::MAX;
    let mut last_move = (0u64, Instant::now());
    loop {
        tokio::select! {
            out = &mut request => return Ok(out),
            _ = tokio::time::sleep(TICK) => {}
        }
        if watch.cancel.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        let now = sent.load(Ordering::SeqCst);
        if now != reported {
            (watch.progress)(base + now);
            reported = now;
        }
        if now != last_move.0 {
            last_move = (now, Instant::now());
        } else if now < length && last_move.1.elapsed() > STALL
            || now >= length && last_move.1.elapsed() > ANSWER_WAIT
        {
            return Err(Stop::Stalled);
        }
    }
}

#[cfg(test)]
#[path = "chunked_tests.rs"]
mod tests;
