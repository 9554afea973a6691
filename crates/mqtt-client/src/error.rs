//! What can go wrong, split by whose fault it is.

use alloc::string::String;

use mqtt_core::client::UsageError;

/// Why a client call failed. Transport failures are not errors while reconnecting is allowed: the
/// client reconnects and carries on, and only [`Error::GaveUp`] reports them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The caller asked for something the protocol or the broker does not allow (a wildcard in a
    /// topic name, QoS above the broker's maximum, ...). Nothing was sent.
    #[error("{0}")]
    Usage(#[from] UsageError),
    /// The broker refused our CONNECT (bad credentials, client id rejected, ...): retrying would not
    /// help, so the client does not.
    #[error("the broker refused the connection: {name} (return code 0x{code:02x})")]
    Refused {
        /// CONNACK return code (3.1.1) or reason code (5.0).
        code: u8,
        /// Its name in the specification.
        name: &'static str,
    },
    /// Reconnecting was given up after the policy's number of consecutive failures.
    #[error("gave up after {attempts} failed connection attempts; the last: {last}")]
    GaveUp {
        /// Consecutive failures.
        attempts: u32,
        /// What the last one was.
        last: String,
    },
    /// A call that needs a connection before `connect()` (or after `disconnect()`).
    #[error("not connected: call connect() first")]
    NotConnected,
    /// A 5.0 broker refused our PUBLISH (PUBACK/PUBREC reason code ≥ 0x80).
    #[error("the broker refused the PUBLISH with packet id {packet_id}: {name} (0x{code:02x})")]
    PublishRefused {
        /// Its packet identifier.
        packet_id: u16,
        /// The reason code.
        code: u8,
        /// Its name.
        name: &'static str,
    },
    /// The broker refused a subscription (SUBACK 0x80 or a 5.0 reason code).
    #[error("the broker refused the subscription to `{filter}` (SUBACK 0x{code:02x})")]
    SubscribeRefused {
        /// The filter.
        filter: String,
        /// The code.
        code: u8,
    },
}
