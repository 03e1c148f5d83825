//! `TokenIssuer`: a Docker token-spec server (GET and OAuth2 POST /token) whose ES256 JWTs the registry's `auth: token` mode accepts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, Response, StatusCode};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use super::forward::{json as json_response, Served};
use super::pki::Ca;

/// A token server on a free loopback port; its CA is the registry's `rootcertbundle`.
pub struct TokenIssuer {
    state: Arc<IssuerState>,
    served: Served,
    bundle: PathBuf,
    _dir: tempfile::TempDir,
}

struct User {
    pass: String,
    /// None: every requested action is granted.
    actions: Option<Vec<String>>,
}

struct IssuerState {
    service: String,
    issuer: String,
    key: EncodingKey,
    x5c: Vec<String>,
    users: Mutex<HashMap<String, User>>,
    anonymous_pull: AtomicBool,
    expires_in: AtomicU64,
    /// Refresh token -> user.
    refresh_tokens: Mutex<HashMap<String, String>>,
    serial: AtomicU64,
    gets: AtomicU64,
    posts: AtomicU64,
    /// Hostile: POST /token answers 307 to here instead of issuing.
    post_redirect: Mutex<Option<String>>,
    /// Hostile: the `expires_in` of answers, as raw JSON, whatever the tokens' `exp` says.
    stated_expires_in: Mutex<Option<String>>,
    /// Every token and refresh token handed out, to look for in logs.
    issued: Mutex<Vec<String>>,
}

impl TokenIssuer {
    /// Service "stowage-test-registry", issuer "stowage-test-issuer", no users, no anonymous
    /// pull, tokens valid for 300 s.
    pub async fn start() -> Self {
        let ca = Ca::new("stowage test token CA");
        let leaf = ca.signing_leaf();
        let dir = tempfile::tempdir().expect("issuer tempdir");
        let bundle = dir.path().join("token-ca.pem");
        std::fs::write(&bundle, ca.cert_pem()).expect("write bundle");
        let state = Arc::new(IssuerState {
            service: "stowage-test-registry".into(),
            issuer: "stowage-test-issuer".into(),
            key: EncodingKey::from_ec_pem(leaf.key_pem.as_bytes()).expect("ES256 key"),
            // distribution verifies x5c[0] (the signer) up to a root in rootcertbundle.
            x5c: vec![
                STANDARD.encode(&leaf.cert_der),
                STANDARD.encode(ca.cert_der()),
            ],
            users: Mutex::default(),
            anonymous_pull: AtomicBool::new(false),
            expires_in: AtomicU64::new(300),
            refresh_tokens: Mutex::default(),
            serial: AtomicU64::new(0),
            gets: AtomicU64::new(0),
            posts: AtomicU64::new(0),
            post_redirect: Mutex::default(),
            stated_expires_in: Mutex::default(),
            issued: Mutex::default(),
        });
        let router = Router::new()
            .route("/token", get(get_token).post(post_token))
            .with_state(state.clone());
        let served = Served::start("127.0.0.1", router).await;
        TokenIssuer {
            state,
            served,
            bundle,
            _dir: dir,
        }
    }

    /// A user granted every action requested.
    pub fn add_user(&self, user: &str, pass: &str) {
        self.insert_user(user, pass, None);
    }

    /// A user granted at most `actions` (e.g. `&["pull"]` for read-only).
    pub fn add_user_with_actions(&self, user: &str, pass: &str, actions: &[&str]) {
        let actions = actions.iter().map(|a| a.to_string()).collect();
        self.insert_user(user, pass, Some(actions));
    }

    /// Whether requests without credentials get pull access (else tokens with empty access).
    pub fn set_anonymous_pull(&self, allowed: bool) {
        self.state.anonymous_pull.store(allowed, Ordering::SeqCst);
    }

    /// Lifetime of new tokens (`expires_in` and `exp`).
    pub fn set_expires_in(&self, secs: u64) {
        self.state.expires_in.store(secs, Ordering::SeqCst);
    }

    /// Hostile: POST /token (the refresh-token grant) answers `307 Location: url`.
    pub fn redirect_posts_to(&self, url: Option<String>) {
        *self.state.post_redirect.lock().unwrap() = url;
    }

    /// Hostile: answers state `expires_in` as this raw JSON number (e.g. "18446744073709551615").
    pub fn set_stated_expires_in(&self, raw: Option<&str>) {
        *self.state.stated_expires_in.lock().unwrap() = raw.map(str::to_string);
    }

    /// Every token and refresh token issued so far.
    pub fn issued(&self) -> Vec<String> {
        self.state.issued.lock().unwrap().clone()
    }

    /// "http://127.0.0.1:PORT/token"
    pub fn realm(&self) -> String {
        format!("{}/token", self.served.origin())
    }

    /// The service its tokens are for (`aud`), "stowage-test-registry"; requests naming
    /// another one are refused.
    pub fn service(&self) -> &str {
        &self.state.service
    }

    /// The issuer its tokens name (`iss`), "stowage-test-issuer".
    pub fn issuer(&self) -> &str {
        &self.state.issuer
    }

    /// PEM of the CA that the signing certificate chains to: the registry's rootcertbundle.
    pub fn cert_bundle_path(&self) -> &Path {
        &self.bundle
    }

    /// GET /token requests so far.
    pub fn get_requests(&self) -> u64 {
        self.state.gets.load(Ordering::SeqCst)
    }

    /// POST /token requests so far.
    pub fn post_requests(&self) -> u64 {
        self.state.posts.load(Ordering::SeqCst)
    }

    /// Signs a token directly (uncounted) granting `scopes` ("repository:NAME:pull,push") in
    /// full, for tests that need one without going through HTTP.
    pub fn mint(&self, subject: &str, scopes: &[&str]) -> String {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        self.state.sign(subject, &grant(&scopes, None))
    }

    fn insert_user(&self, user: &str, pass: &str, actions: Option<Vec<String>>) {
        let entry = User {
            pass: pass.into(),
            actions,
        };
        self.state.users.lock().unwrap().insert(user.into(), entry);
    }
}

impl IssuerState {
    fn sign(&self, subject: &str, access: &[Value]) -> String {
        let now = unix_now();
        let serial = self.serial.fetch_add(1, Ordering::SeqCst);
        let claims = json!({
            "iss": self.issuer,
            "sub": subject,
            // A string, not a list: what distribution 2.8's ClaimSet expects.
            "aud": self.service,
            "exp": now + self.expires_in.load(Ordering::SeqCst),
            "nbf": now.saturating_sub(1),
            "iat": now,
            "jti": format!("{now}-{serial}"),
            "access": access,
        });
        let mut head = Header::new(Algorithm::ES256);
        head.x5c = Some(self.x5c.clone());
        jsonwebtoken::encode(&head, &claims, &self.key).expect("sign token")
    }

    /// The user's allowed actions (None = all), or Err for bad credentials.
    fn check(&self, user: &str, pass: &str) -> Result<Option<Vec<String>>, ()> {
        match self.users.lock().unwrap().get(user) {
            Some(u) if u.pass == pass => Ok(u.actions.clone()),
            _ => Err(()),
        }
    }

    fn new_refresh_token(&self, user: &str) -> String {
        let serial = self.serial.fetch_add(1, Ordering::SeqCst);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let seed = format!("{user}-{serial}-{}-{:p}", nanos.as_nanos(), self);
        let token = super::forward::sha256_digest(seed.as_bytes())[7..].to_string();
        let mut tokens = self.refresh_tokens.lock().unwrap();
        tokens.insert(token.clone(), user.to_string());
        token
    }

    fn token_body(&self, subject: &str, access: &[Value], refresh: Option<String>) -> Value {
        let token = self.sign(subject, access);
        self.issued.lock().unwrap().push(token.clone());
        let stated = self.stated_expires_in.lock().unwrap().clone();
        let expires_in: Value = match stated {
            Some(raw) => serde_json::from_str(&raw).expect("a JSON number"),
            None => json!(self.expires_in.load(Ordering::SeqCst)),
        };
        let mut body = json!({
            "token": token,
            "access_token": token,
            "expires_in": expires_in,
            "issued_at": rfc3339(unix_now()),
        });
        if let Some(r) = refresh {
            self.issued.lock().unwrap().push(r.clone());
            body["refresh_token"] = json!(r);
        }
        body
    }
}

/// GET /token?service=&scope=&offline_token=&client_id= with optional Basic auth.
async fn get_token(
    State(state): State<Arc<IssuerState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response<Body> {
    state.gets.fetch_add(1, Ordering::SeqCst);
    let params = pairs(query.as_deref().unwrap_or("").as_bytes());
    if let Some(resp) = wrong_service(&state, &params) {
        return resp;
    }
    let scopes = scopes_of(&params, "scope");
    let offline = first(&params, "offline_token") == Some("true");
    let credentials = headers
        .get(header::AUTHORIZATION)
        .map(|v| basic_credentials(v.to_str().unwrap_or("")));
    let (subject, allowed, refresh) = match credentials {
        None => {
            let anonymous = state.anonymous_pull.load(Ordering::SeqCst);
            let allowed = if anonymous {
                vec!["pull".into()]
            } else {
                vec![]
            };
            (String::new(), Some(allowed), None)
        }
        Some(Some((user, pass))) => match state.check(&user, &pass) {
            Ok(allowed) => {
                let refresh = offline.then(|| state.new_refresh_token(&user));
                (user, allowed, refresh)
            }
            Err(()) => return unauthorized("invalid username or password"),
        },
        Some(None) => return unauthorized("only Basic credentials are accepted"),
    };
    let body = state.token_body(&subject, &grant(&scopes, allowed.as_deref()), refresh);
    json_response(StatusCode::OK, "application/json", body.to_string().into())
}

/// POST /token (OAuth2 form): grant_type=password or grant_type=refresh_token.
async fn post_token(State(state): State<Arc<IssuerState>>, body: Bytes) -> Response<Body> {
    state.posts.fetch_add(1, Ordering::SeqCst);
    if let Some(target) = state.post_redirect.lock().unwrap().clone() {
        let mut resp = Response::new(Body::empty());
        *resp.status_mut() = StatusCode::TEMPORARY_REDIRECT;
        let location = header::HeaderValue::from_str(&target).expect("location");
        resp.headers_mut().insert(header::LOCATION, location);
        return resp;
    }
    let params = pairs(&body);
    if let Some(resp) = wrong_service(&state, &params) {
        return resp;
    }
    if first(&params, "client_id").is_none_or(str::is_empty) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id is required",
        );
    }
    let scopes = scopes_of(&params, "scope");
    let (user, refresh) = match first(&params, "grant_type") {
        Some("password") => {
            let user = first(&params, "username").unwrap_or("");
            let pass = first(&params, "password").unwrap_or("");
            if state.check(user, pass).is_err() {
                let msg = "invalid username or password";
                return oauth_error(StatusCode::UNAUTHORIZED, "invalid_grant", msg);
            }
            (user.to_string(), state.new_refresh_token(user))
        }
        Some("refresh_token") => {
            let token = first(&params, "refresh_token").unwrap_or("");
            let known = state.refresh_tokens.lock().unwrap().get(token).cloned();
            match known {
                // The same refresh token stays valid; the spec lets a server keep it.
                Some(user) => (user, token.to_string()),
                None => {
                    let msg = "unknown refresh token";
                    return oauth_error(StatusCode::UNAUTHORIZED, "invalid_grant", msg);
                }
            }
        }
        _ => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", ""),
    };
    let allowed = state
        .users
        .lock()
        .unwrap()
        .get(&user)
        .map(|u| u.actions.clone());
    let Some(allowed) = allowed else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_grant", "user removed");
    };
    let mut body = state.token_body(&user, &grant(&scopes, allowed.as_deref()), Some(refresh));
    // The OAuth2 answer names the token access_token only.
    body.as_object_mut().expect("object").remove("token");
    json_response(StatusCode::OK, "application/json", body.to_string().into())
}

fn pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

fn first<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Every scope: repeated parameters, each possibly holding several space-separated scopes.
fn scopes_of(params: &[(String, String)], key: &str) -> Vec<String> {
    params
        .iter()
        .filter(|(k, _)| k == key)
        .flat_map(|(_, v)| v.split(' ').filter(|s| !s.is_empty()).map(str::to_string))
        .collect()
}

/// Access claims for `scopes` ("type:name:a,b"; the name may itself contain ':').
fn grant(scopes: &[String], allowed: Option<&[String]>) -> Vec<Value> {
    let mut access = Vec::new();
    for scope in scopes {
        let Some((kind, rest)) = scope.split_once(':') else {
            continue;
        };
        let Some((name, actions)) = rest.rsplit_once(':') else {
            continue;
        };
        let granted: Vec<&str> = actions
            .split(',')
            .filter(|a| !a.is_empty())
            .filter(|a| allowed.is_none_or(|list| list.iter().any(|x| x == a)))
            .collect();
        if !granted.is_empty() {
            access.push(json!({"type": kind, "name": name, "actions": granted}));
        }
    }
    access
}

fn wrong_service(state: &IssuerState, params: &[(String, String)]) -> Option<Response<Body>> {
    let service = first(params, "service")?;
    (service != state.service).then(|| {
        let msg = format!("unknown service {service:?}");
        oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &msg)
    })
}

/// None when the header is not Basic or does not decode to user:pass.
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (user, pass) = decoded.split_once(':')?;
    Some((user.to_string(), pass.to_string()))
}

fn unauthorized(message: &str) -> Response<Body> {
    let body = json!({"errors": [{"code": "UNAUTHORIZED", "message": message}]});
    let mut resp = json_response(
        StatusCode::UNAUTHORIZED,
        "application/json",
        body.to_string().into(),
    );
    let challenge = header::HeaderValue::from_static("Basic realm=\"stowage-test-issuer\"");
    resp.headers_mut()
        .insert(header::WWW_AUTHENTICATE, challenge);
    resp
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response<Body> {
    let body = json!({"error": error, "error_description": description});
    json_response(status, "application/json", body.to_string().into())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// "YYYY-MM-DDTHH:MM:SSZ" for a Unix time.
fn rfc3339(unix: u64) -> String {
    stowage::signature::DateTime::from_unix(unix as i64).text
}
