//! A small W3C WebDriver client over reqwest (sessions, elements, scripts, screenshots) and the
//! wait-until helper, for driving the app through tauri-driver. Shared with bench/app.
// The tests and the app benchmark each use a different part of it.
#![allow(dead_code)]

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// The key W3C uses to mark an element reference in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a wait for UI state lasts before it fails. Generous: a debug build on 2 busy cores
/// can take seconds to start or to lay out a graph; this is a wait, not a time limit.
pub const WAIT: Duration = Duration::from_secs(30);
/// Between two looks at the UI while waiting.
const POLL: Duration = Duration::from_millis(50);
/// A WebDriver command that does not answer in this long is reported, rather than hanging the
/// test forever (new-session, which starts the app, is the slowest by far).
const COMMAND_DEADLINE: Duration = Duration::from_secs(180);
/// Scripts run with execute/async may take this long (the pan probe runs for seconds).
const SCRIPT_TIMEOUT_MS: u64 = 120_000;

/// Special keys, as W3C's send-keys takes them (one code point each).
pub mod keys {
    /// Enter (Return).
    pub const ENTER: &str = "\u{E007}";
    /// Left arrow.
    pub const ARROW_LEFT: &str = "\u{E012}";
    /// Up arrow.
    pub const ARROW_UP: &str = "\u{E013}";
    /// Right arrow.
    pub const ARROW_RIGHT: &str = "\u{E014}";
    /// Down arrow.
    pub const ARROW_DOWN: &str = "\u{E015}";
    /// Escape.
    pub const ESCAPE: &str = "\u{E00C}";
}

/// Why something the test asked of the app did not happen.
pub enum Error {
    /// A WebDriver command failed: which command, and what WebDriver said.
    WebDriver {
        /// The command, e.g. `find element "…"`.
        command: String,
        /// The W3C error code, e.g. `no such element`.
        error: String,
        /// WebDriver's message; may be empty.
        message: String,
    },
    /// The WebDriver server could not be reached, or answered something that is not WebDriver.
    Http {
        /// The command that was sent.
        command: String,
        /// What went wrong: the request's failure, or what came back instead of an answer.
        message: String,
    },
    /// A wait ran out: what was awaited, and what was seen last.
    Wait {
        /// What was awaited, as the caller described it.
        what: String,
        /// How long the wait lasted.
        waited: Duration,
        /// The state seen last, or the last probe's error.
        last: String,
    },
    /// Anything else the driving code found wrong (missing env, bad data).
    Other(String),
}

impl Error {
    /// The W3C error code (`no such element`, …), when WebDriver sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::WebDriver { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::WebDriver {
                command,
                error,
                message,
            } => write!(f, "WebDriver {command}: {error}: {message}"),
            Error::Http { command, message } => write!(f, "WebDriver {command}: {message}"),
            Error::Wait { what, waited, last } => write!(
                f,
                "waited {:.0} s for {what}; last seen: {last}",
                waited.as_secs_f64()
            ),
            Error::Other(message) => f.write_str(message),
        }
    }
}

// Debug is what a test failing with `Err` prints: the readable form.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}

/// What every step of driving the app returns.
pub type Result<T> = std::result::Result<T, Error>;

/// What one look at the UI found: the awaited value, a description of the state so far (shown
/// when the wait runs out), or a state that will not turn into the awaited one (ends the wait).
pub enum Seen<T> {
    /// The awaited value; the wait returns it.
    Ready(T),
    /// Not there yet: the state seen, kept for the message if the wait runs out.
    NotYet(String),
    /// The awaited state will not come: the wait fails at once with this reason.
    Failed(String),
}

/// Polls `probe` until it returns `Seen::Ready`, for up to `WAIT`. A probe that fails counts as
/// "not yet" (elements come and go while Svelte re-renders) and its error is kept for the message.
pub async fn wait_for<T, F, Fut>(what: &str, probe: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Seen<T>>>,
{
    wait_for_within(what, WAIT, probe).await
}

/// `wait_for` with its own deadline instead of `WAIT` (the benchmarks' big graphs take longer).
/// Looks every 50 ms; fails with `Error::Wait` once `deadline` has passed.
pub async fn wait_for_within<T, F, Fut>(what: &str, deadline: Duration, mut probe: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Seen<T>>>,
{
    let start = Instant::now();
    let mut last;
    loop {
        match probe().await {
            Ok(Seen::Ready(v)) => return Ok(v),
            Ok(Seen::NotYet(state)) => last = state,
            Ok(Seen::Failed(why)) => {
                return Err(Error::Other(format!("while waiting for {what}: {why}")))
            }
            Err(e) => last = e.to_string(),
        }
        if start.elapsed() >= deadline {
            return Err(Error::Wait {
                what: what.to_string(),
                waited: start.elapsed(),
                last,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

struct Inner {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID`
    url: String,
    id: String,
}

/// One WebDriver session: one running app. Deleted (and the app closed) by `close`, or on drop.
pub struct Session {
    inner: Arc<Inner>,
    closed: bool,
}

/// An element found in the session's page.
#[derive(Clone)]
pub struct Element {
    inner: Arc<Inner>,
    /// WebDriver's reference to the element, valid in its session.
    pub id: String,
}

impl fmt::Debug for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Element({})", self.id)
    }
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(COMMAND_DEADLINE)
        .build()
        .expect("reqwest client")
}

/// Sends one command and unwraps W3C's `{"value": …}`, turning `{"value": {"error": …}}` into
/// an `Error::WebDriver` that names the command.
async fn command(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    name: &str,
    body: Option<Value>,
) -> Result<Value> {
    let mut req = http.request(method, url);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let http_err = |message: String| Error::Http {
        command: name.to_string(),
        message,
    };
    let resp = req
        .send()
        .await
        .map_err(|e| http_err(format!("request to {url} failed: {e}")))?;
    let status = resp.status();
    let text = resp
        .text()
        .await
        .map_err(|e| http_err(format!("reading the answer failed: {e}")))?;
    let answer: Value = serde_json::from_str(&text).map_err(|_| {
        http_err(format!(
            "answered {status} with non-JSON: {}",
            clip(&text, 300)
        ))
    })?;
    let value = answer.get("value").cloned().unwrap_or(Value::Null);
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        return Err(Error::WebDriver {
            command: name.to_string(),
            error: error.to_string(),
            message: value
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        });
    }
    if !status.is_success() {
        return Err(http_err(format!("answered {status}: {}", clip(&text, 300))));
    }
    Ok(value)
}

fn element_id(value: &Value, command: &str) -> Result<String> {
    value
        .get(ELEMENT_KEY)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::Http {
            command: command.to_string(),
            message: format!("no element reference in {value}"),
        })
}

fn css(selector: &str) -> Value {
    json!({"using": "css selector", "value": selector})
}

impl Inner {
    async fn get(&self, path: &str, name: &str) -> Result<Value> {
        let url = format!("{}{path}", self.url);
        command(&self.http, reqwest::Method::GET, &url, name, None).await
    }

    async fn post(&self, path: &str, name: &str, body: Value) -> Result<Value> {
        let url = format!("{}{path}", self.url);
        command(&self.http, reqwest::Method::POST, &url, name, Some(body)).await
    }

    async fn find_from(self: &Arc<Self>, base: &str, selector: &str) -> Result<Element> {
        let name = format!("find element {selector:?}");
        let value = self
            .post(&format!("{base}/element"), &name, css(selector))
            .await?;
        Ok(Element {
            inner: self.clone(),
            id: element_id(&value, &name)?,
        })
    }

    async fn find_all_from(self: &Arc<Self>, base: &str, selector: &str) -> Result<Vec<Element>> {
        let name = format!("find elements {selector:?}");
        let value = self
            .post(&format!("{base}/elements"), &name, css(selector))
            .await?;
        let list = value.as_array().cloned().unwrap_or_default();
        list.iter()
            .map(|v| {
                Ok(Element {
                    inner: self.clone(),
                    id: element_id(v, &name)?,
                })
            })
            .collect()
    }
}

impl Session {
    /// Starts the app at `application` through the WebDriver server at `webdriver`
    /// (tauri-driver), with a script timeout long enough for the pan probe.
    pub async fn start(webdriver: &str, application: &Path) -> Result<Session> {
        let http = http_client();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": application},
        }}});
        let url = format!("{}/session", webdriver.trim_end_matches('/'));
        let value = command(
            &http,
            reqwest::Method::POST,
            &url,
            "new session",
            Some(caps),
        )
        .await?;
        let id = value
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Http {
                command: "new session".into(),
                message: format!("no sessionId in {value}"),
            })?
            .to_string();
        let session = Session {
            inner: Arc::new(Inner {
                http,
                url: format!("{url}/{id}"),
                id,
            }),
            closed: false,
        };
        session
            .inner
            .post(
                "/timeouts",
                "set timeouts",
                json!({"script": SCRIPT_TIMEOUT_MS}),
            )
            .await?;
        Ok(session)
    }

    /// WebDriver's id of the session.
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// The first element of the page matching CSS `selector`, now; a `no such element` error
    /// when none does (`try_find` turns that into None).
    pub async fn find(&self, selector: &str) -> Result<Element> {
        self.inner.find_from("", selector).await
    }

    /// Every element of the page matching CSS `selector` now, in document order; maybe none.
    pub async fn find_all(&self, selector: &str) -> Result<Vec<Element>> {
        self.inner.find_all_from("", selector).await
    }

    /// The element, or None when nothing matches (other errors stay errors).
    pub async fn try_find(&self, selector: &str) -> Result<Option<Element>> {
        match self.find(selector).await {
            Ok(e) => Ok(Some(e)),
            Err(e) if e.code() == Some("no such element") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The element a script returned (WebDriver sends DOM elements as references), if it is one.
    pub fn element(&self, value: &Value) -> Option<Element> {
        let id = value.get(ELEMENT_KEY)?.as_str()?;
        Some(Element {
            inner: self.inner.clone(),
            id: id.to_string(),
        })
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns what it returns.
    pub async fn execute<T: DeserializeOwned>(&self, script: &str, args: Vec<Value>) -> Result<T> {
        let value = self
            .inner
            .post(
                "/execute/sync",
                &format!("execute {}", short(script)),
                json!({"script": script, "args": args}),
            )
            .await?;
        decode(value, script)
    }

    /// Runs `script` asynchronously: it ends by calling `arguments[arguments.length - 1](result)`.
    pub async fn execute_async<T: DeserializeOwned>(
        &self,
        script: &str,
        args: Vec<Value>,
    ) -> Result<T> {
        let value = self
            .inner
            .post(
                "/execute/async",
                &format!("execute async {}", short(script)),
                json!({"script": script, "args": args}),
            )
            .await?;
        decode(value, script)
    }

    /// The page as a PNG, written to `path` (folders created).
    pub async fn screenshot(&self, path: &Path) -> Result<()> {
        let value = self.inner.get("/screenshot", "take screenshot").await?;
        let b64 = value.as_str().ok_or_else(|| Error::Http {
            command: "take screenshot".into(),
            message: "the answer is not a string".into(),
        })?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| Error::Other(format!("screenshot is not base64: {e}")))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Other(format!("cannot create {}: {e}", dir.display())))?;
        }
        std::fs::write(path, png)
            .map_err(|e| Error::Other(format!("cannot write {}: {e}", path.display())))
    }

    /// Ends the session; WebDriver closes the app.
    pub async fn close(mut self) -> Result<()> {
        self.closed = true;
        delete(&self.inner).await
    }
}

async fn delete(inner: &Inner) -> Result<()> {
    command(
        &inner.http,
        reqwest::Method::DELETE,
        &inner.url,
        "delete session",
        None,
    )
    .await
    .map(|_| ())
}

impl Drop for Session {
    /// A test that fails half-way still closes its app, so the next test starts from a clean
    /// display. Drop cannot await, so the delete runs on a thread with its own runtime.
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        let url = self.inner.url.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            let http = http_client();
            let _ = rt.block_on(command(
                &http,
                reqwest::Method::DELETE,
                &url,
                "delete session",
                None,
            ));
        })
        .join();
    }
}

impl Element {
    fn path(&self, rest: &str) -> String {
        format!("/element/{}{rest}", self.id)
    }

    /// The first element inside this one matching CSS `selector`; a `no such element` error
    /// when none does.
    pub async fn find(&self, selector: &str) -> Result<Element> {
        self.inner.find_from(&self.path(""), selector).await
    }

    /// Every element inside this one matching CSS `selector`, in document order; maybe none.
    pub async fn find_all(&self, selector: &str) -> Result<Vec<Element>> {
        self.inner.find_all_from(&self.path(""), selector).await
    }

    /// Clicks the element's centre; WebDriver scrolls it into view first and fails if another
    /// element would get the click.
    pub async fn click(&self) -> Result<()> {
        self.inner
            .post(&self.path("/click"), "element click", json!({}))
            .await
            .map(|_| ())
    }

    /// Empties an editable element (an input or a textarea).
    pub async fn clear(&self) -> Result<()> {
        self.inner
            .post(&self.path("/clear"), "element clear", json!({}))
            .await
            .map(|_| ())
    }

    /// Types `text` into the element (`keys::*` for special keys).
    pub async fn send_keys(&self, text: &str) -> Result<()> {
        self.inner
            .post(
                &self.path("/value"),
                "element send keys",
                json!({"text": text}),
            )
            .await
            .map(|_| ())
    }

    /// The rendered text, as a user would read it.
    pub async fn text(&self) -> Result<String> {
        let v = self
            .inner
            .get(&self.path("/text"), "get element text")
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// The text content with runs of white space collapsed, read by a script. WebKitWebDriver's
    /// rendered text (`text`) comes back empty for some visible elements of this UI (headings
    /// that clip with an ellipsis, rows of the virtual lists), so tests read this instead.
    pub async fn text_content(&self) -> Result<String> {
        let name = "text content";
        let value = self
            .inner
            .post(
                "/execute/sync",
                name,
                json!({"script": "return arguments[0].textContent.replace(/\\s+/g, ' ').trim();",
                       "args": [self.arg()]}),
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    /// The HTML attribute `name` as the markup has it, or None when the element has none.
    pub async fn attribute(&self, name: &str) -> Result<Option<String>> {
        let v = self
            .inner
            .get(
                &self.path(&format!("/attribute/{name}")),
                &format!("get attribute {name}"),
            )
            .await?;
        Ok(v.as_str().map(str::to_string))
    }

    /// The DOM property `name` (e.g. `checked`, `value`) as JSON.
    pub async fn property(&self, name: &str) -> Result<Value> {
        self.inner
            .get(
                &self.path(&format!("/property/{name}")),
                &format!("get property {name}"),
            )
            .await
    }

    /// Whether WebDriver judges the element visible to a user.
    pub async fn displayed(&self) -> Result<bool> {
        let v = self
            .inner
            .get(&self.path("/displayed"), "is element displayed")
            .await?;
        Ok(v.as_bool().unwrap_or(false))
    }

    /// This element as a script argument.
    pub fn arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }
}

fn decode<T: DeserializeOwned>(value: Value, script: &str) -> Result<T> {
    serde_json::from_value(value.clone()).map_err(|e| {
        Error::Other(format!(
            "script {} returned {}, which is not what was expected: {e}",
            short(script),
            clip(&value.to_string(), 300)
        ))
    })
}

/// The first line of a script, for messages.
fn short(script: &str) -> String {
    format!("{:?}", clip(script.trim().lines().next().unwrap_or(""), 80))
}

/// At most `max` bytes of `s` (cut on a character boundary), marked when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut at = max;
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    format!("{}…", &s[..at])
}
