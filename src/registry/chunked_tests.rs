//! Resuming against a registry that keeps what it received of a broken chunk and says so in
//! `Range`, as the spec describes (distribution 2.8 drops the session instead): a small fake.

use std::path::Path;
use std::sync::{Arc, Mutex};

use sha2::Digest as _;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::auth::Authorizer;
use crate::config::Limits;
use crate::config::RegistrySettings;
use crate::digest::Digest;
use crate::registry::upload::UploadOptions;
use crate::registry::Registry;
use crate::transfer::Cancel;
use crate::transport::Transport;

/// The fake's state: the one upload's bytes, the chunk headers seen, and the cuts to make.
#[derive(Default)]
struct Fake {
    data: Vec<u8>,
    ranges: Vec<String>,
    /// PATCH number n (from 0) keeps this many bytes of its body, then the connection drops.
    cut: Option<(usize, usize)>,
    patches: usize,
}

impl Fake {
    fn take_cut(&mut self) -> Option<usize> {
        let n = self.patches;
        self.patches += 1;
        match self.cut {
            Some((at, keep)) if at == n => {
                self.cut = None;
                Some(keep)
            }
            _ => None,
        }
    }
}

type Shared = Arc<Mutex<Fake>>;

async fn start() -> (String, Shared) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let host = listener.local_addr().expect("addr").to_string();
    let fake: Shared = Arc::default();
    let state = fake.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(connection(stream, state.clone()));
        }
    });
    (host, fake)
}

/// Range as distribution writes it: `0-0` for an empty upload too.
fn range(len: usize) -> String {
    format!("0-{}", len.saturating_sub(1))
}

async fn connection(stream: TcpStream, fake: Shared) {
    let mut stream = BufReader::new(stream);
    loop {
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            match stream.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" => break,
                Ok(_) => head.push(line.trim_end().to_string()),
            }
        }
        let first: Vec<&str> = head.first().map_or(vec![], |l| l.split(' ').collect());
        let (method, target) = (
            first.first().copied().unwrap_or(""),
            first.get(1).copied().unwrap_or(""),
        );
        let header = |name: &str| {
            head.iter().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
        };
        let length: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let cut = if method == "PATCH" {
            fake.lock().unwrap().take_cut()
        } else {
            None
        };
        let mut body = vec![0u8; cut.unwrap_or(length).min(length)];
        if stream.read_exact(&mut body).await.is_err() {
            return;
        }
        let location = "Location: /v2/app/blobs/uploads/s1?state=opaque";
        let answer = {
            let mut f = fake.lock().unwrap();
            match method {
                "GET" if target == "/v2/" => "200 OK\r\n".to_string(),
                "POST" => format!("202 Accepted\r\n{location}\r\n"),
                "PATCH" => {
                    let content_range = header("content-range").unwrap_or_default();
                    f.ranges.push(content_range.clone());
                    let start: usize = content_range
                        .split('-')
                        .next()
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0);
                    if start != f.data.len() {
                        "416 Range Not Satisfiable\r\n".to_string()
                    } else {
                        f.data.extend_from_slice(&body);
                        if cut.is_some() {
                            return;
                        }
                        format!(
                            "202 Accepted\r\n{location}\r\nRange: {}\r\n",
                            range(f.data.len())
                        )
                    }
                }
                "GET" => format!(
                    "204 No Content\r\n{location}\r\nRange: {}\r\n",
                    range(f.data.len())
                ),
                "PUT" => {
                    let digest = format!("sha256:{}", hex::encode(sha2::Sha256::digest(&f.data)));
                    if target.ends_with(&format!("digest={digest}")) {
                        format!("201 Created\r\nDocker-Content-Digest: {digest}\r\n")
                    } else {
                        "400 Bad Request\r\n".to_string()
                    }
                }
                _ => "204 No Content\r\n".to_string(),
            }
        };
        let out = format!("HTTP/1.1 {answer}Content-Length: 0\r\n\r\n");
        if stream.get_mut().write_all(out.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn registry(host: &str) -> Registry {
    let transport = Transport::new(host, &RegistrySettings::default()).expect("transport");
    let authorizer = Authorizer::new(transport.client().clone(), host, None);
    Registry::new(transport, authorizer, Limits::default())
}

fn file(dir: &Path, len: usize) -> (std::path::PathBuf, Vec<u8>) {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 253) as u8).collect();
    let path = dir.join("f");
    std::fs::write(&path, &bytes).expect("write");
    (path, bytes)
}

const MIB: usize = 1024 * 1024;

async fn push(host: &str, path: &Path) -> Digest {
    let options = UploadOptions {
        chunk_size: MIB as u64,
        chunk_threshold: 0,
    };
    let (digest, _) = registry(host)
        .push_blob_file("app", path, None, &options, &|_| {}, &Cancel::new())
        .await
        .expect("upload");
    digest
}

#[tokio::test]
async fn a_broken_chunk_resumes_where_the_registry_is() {
    let (host, fake) = start().await;
    let dir = tempfile::tempdir().expect("dir");
    let (path, bytes) = file(dir.path(), 3 * MIB);
    // The second chunk breaks after 300 KiB, which the registry keeps.
    fake.lock().unwrap().cut = Some((1, 300 * 1024));
    let digest = push(&host, &path).await;
    assert_eq!(digest, Digest::sha256_of(&bytes));
    let f = fake.lock().unwrap();
    assert!(f.data == bytes, "the registry holds the file exactly");
    // From where the registry is, a whole chunk again: chunks other than the last stay at least
    // the chunk size, which a registry's minimum may require.
    let kept = MIB + 300 * 1024;
    assert_eq!(
        f.ranges,
        [
            format!("0-{}", MIB - 1),
            format!("{MIB}-{}", 2 * MIB - 1),
            format!("{kept}-{}", kept + MIB - 1),
            format!("{}-{}", kept + MIB, 3 * MIB - 1),
        ]
    );
}

#[tokio::test]
async fn an_ambiguous_zero_range_is_resolved() {
    let (host, fake) = start().await;
    let dir = tempfile::tempdir().expect("dir");
    let (path, bytes) = file(dir.path(), 2 * MIB);
    // The first PATCH breaks after one byte: `0-0` then means one byte, not none.
    fake.lock().unwrap().cut = Some((0, 1));
    let digest = push(&host, &path).await;
    assert_eq!(digest, Digest::sha256_of(&bytes));
    let f = fake.lock().unwrap();
    assert!(f.data == bytes);
    assert_eq!(
        f.ranges[..3],
        [
            format!("0-{}", MIB - 1),
            format!("0-{}", MIB - 1),
            format!("1-{MIB}")
        ]
    );
}
