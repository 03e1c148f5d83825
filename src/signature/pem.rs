//! PEM (RFC 7468) as cosign stores certificates in annotations: `-----BEGIN CERTIFICATE-----`
//! blocks of base64 DER, one or several, with any text between blocks ignored as RFC 7468
//! allows. The DER is kept as bytes for verification to parse.

use super::json::Base64;
use super::SignatureError;

/// The DER bodies of every `label` block in `text`, in order ("CERTIFICATE", "PUBLIC KEY").
/// At least one block must be there, and every block must have that label.
pub fn pem_blocks(text: &str, label: &str) -> Result<Vec<Vec<u8>>, SignatureError> {
    blocks(text, label, "PEM")
}

/// `der` as one PEM block of `label`, 64 base64 characters a line.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// [`pem_blocks`] with errors naming the document the PEM came from.
pub(super) fn blocks(
    text: &str,
    label: &str,
    what: &'static str,
) -> Result<Vec<Vec<u8>>, SignatureError> {
    let malformed = |line: usize, detail: String| SignatureError::Malformed {
        what,
        at: format!("line {line}"),
        detail,
    };
    let mut found = Vec::new();
    // The line a block began on, and its base64 so far.
    let mut open: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        let line = line.trim();
        if let Some(begun) = boundary(line, "BEGIN") {
            if let Some((start, _)) = open {
                return Err(malformed(
                    number,
                    format!("a BEGIN line inside the block that starts on line {start}"),
                ));
            }
            if begun != label {
                return Err(malformed(
                    number,
                    format!("a {begun} block where {label} was expected"),
                ));
            }
            open = Some((number, String::new()));
        } else if let Some(ended) = boundary(line, "END") {
            let Some((start, body)) = open.take() else {
                return Err(malformed(
                    number,
                    "an END line outside any block".to_string(),
                ));
            };
            if ended != label {
                return Err(malformed(
                    number,
                    format!("END {ended} closes the {label} block that starts on line {start}"),
                ));
            }
            let der = Base64::Standard.decode(&body).ok_or_else(|| {
                malformed(start, format!("the {label} block's body is not base64"))
            })?;
            // Every DER certificate and key is a SEQUENCE; anything else is not what was stored.
            if der.first() != Some(&0x30) {
                return Err(malformed(
                    start,
                    format!("the {label} block does not hold DER (no SEQUENCE)"),
                ));
            }
            found.push(der);
        } else if let Some((_, body)) = open.as_mut() {
            body.push_str(line);
        }
    }
    if let Some((start, _)) = open {
        return Err(malformed(
            start,
            format!("the {label} block that starts here has no END line"),
        ));
    }
    if found.is_empty() {
        return Err(SignatureError::Malformed {
            what,
            at: String::new(),
            detail: format!("no {label} block"),
        });
    }
    Ok(found)
}

/// The label of a `-----BEGIN X-----` or `-----END X-----` line.
fn boundary<'a>(line: &'a str, kind: &str) -> Option<&'a str> {
    line.strip_prefix("-----")?
        .strip_prefix(kind)?
        .strip_prefix(' ')?
        .strip_suffix("-----")
}

#[cfg(test)]
mod tests {
    use super::*;

    // A DER SEQUENCE of two bytes, base64: 30 02 05 00.
    const BODY: &str = "MAIFAA==";

    fn cert(body: &str) -> String {
        format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n")
    }

    #[test]
    fn blocks_decode_in_order_and_text_between_is_ignored() {
        let text = format!(
            "subject=CN=x\n{}issuer: y\n{}",
            cert(BODY),
            cert("MAMCAQE=")
        );
        let ders = pem_blocks(&text, "CERTIFICATE").unwrap();
        assert_eq!(ders, vec![vec![0x30, 2, 5, 0], vec![0x30, 3, 2, 1, 1]]);
    }

    #[test]
    fn bodies_may_wrap_over_lines_with_crlf() {
        let text = "-----BEGIN CERTIFICATE-----\r\nMAIF\r\nAA==\r\n-----END CERTIFICATE-----\r\n";
        assert_eq!(
            pem_blocks(text, "CERTIFICATE").unwrap(),
            vec![vec![0x30, 2, 5, 0]]
        );
    }

    #[test]
    fn malformed_pem_says_where() {
        let cases = [
            ("", "", "no CERTIFICATE block"),
            (
                "-----BEGIN PUBLIC KEY-----\nMAIFAA==\n-----END PUBLIC KEY-----",
                "line 1",
                "a PUBLIC KEY block where CERTIFICATE was expected",
            ),
            (
                "-----BEGIN CERTIFICATE-----\nMAIFAA==\n",
                "line 1",
                "the CERTIFICATE block that starts here has no END line",
            ),
            (
                "x\n-----END CERTIFICATE-----",
                "line 2",
                "an END line outside any block",
            ),
            (
                "-----BEGIN CERTIFICATE-----\n-----BEGIN CERTIFICATE-----",
                "line 2",
                "a BEGIN line inside the block that starts on line 1",
            ),
            (
                "-----BEGIN CERTIFICATE-----\nMAIFAA==\n-----END PUBLIC KEY-----",
                "line 3",
                "END PUBLIC KEY closes the CERTIFICATE block that starts on line 1",
            ),
            (
                "-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----",
                "line 1",
                "the CERTIFICATE block's body is not base64",
            ),
            (
                "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----",
                "line 1",
                "the CERTIFICATE block does not hold DER (no SEQUENCE)",
            ),
        ];
        for (text, at, detail) in cases {
            let e = blocks(text, "CERTIFICATE", "cosign chain annotation").unwrap_err();
            assert_eq!(
                e,
                SignatureError::Malformed {
                    what: "cosign chain annotation",
                    at: at.to_string(),
                    detail: detail.to_string(),
                },
                "{text:?}"
            );
        }
    }
}
