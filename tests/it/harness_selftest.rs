//! Self-tests of the integration-test harness.
