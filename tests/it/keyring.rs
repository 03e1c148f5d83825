//! Credentials in a real OS keyring: gnome-keyring in the private D-Bus session that
//! `scripts/with-keyring` (and so `make test`) provides.

use stowage::auth::{Credential, CredentialSource, Credentials, Secret};

pub fn require_keyring_session() {
    assert!(
        std::env::var_os("STOWAGE_KEYRING_SESSION").is_some(),
        "keyring tests need a Secret Service: run them through `make test` or `scripts/with-keyring cargo test`"
    );
}

#[test]
fn store_lookup_and_erase_in_the_os_keyring() {
    require_keyring_session();
    let service = format!("stowage-it-{}", std::process::id());
    let credentials = Credentials::new(&service, None, Vec::new());
    let registry = "keyring-test.example:5000";
    assert!(credentials.lookup(registry).unwrap().is_none());

    let credential = Credential::Basic {
        username: "erin".into(),
        password: Secret::new("erin's secret"),
    };
    credentials.store(registry, &credential).unwrap();
    let (found, source) = credentials.lookup(registry).unwrap().expect("stored");
    assert_eq!(source, CredentialSource::Keyring);
    match found {
        Credential::Basic { username, password } => {
            assert_eq!(username, "erin");
            assert_eq!(password.expose(), "erin's secret");
        }
        other => panic!("wrong kind: {other:?}"),
    }
    assert!(!format!("{:?}", credentials.lookup(registry).unwrap()).contains("erin's secret"));

    // Another registry is another entry.
    assert!(credentials.lookup("other.example").unwrap().is_none());
    assert!(credentials.erase(registry).unwrap());
    assert!(!credentials.erase(registry).unwrap());
    assert!(credentials.lookup(registry).unwrap().is_none());
}
