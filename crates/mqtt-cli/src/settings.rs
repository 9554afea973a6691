//! From the command line to what the session and the driver need: [`ClientOptions`], an
//! [`Endpoint`], and the topic a `-L mqtt://host/topic` URL carries. mosquitto's rules for
//! combinations (-c needs -i, 5.0 -c means a session that never expires) are applied here.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use mqtt_core::client::{ClientOptions, WillOptions};
use mqtt_core::codec::{ProtocolVersion, QoS};
use mqtt_core::message::MessageProperties;

use crate::args::{ConnectArgs, Version};
use crate::driver::{DriverConfig, Trace};
use crate::error::CliError;
use crate::transport::Endpoint;

/// Everything a command needs to connect.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The session's options.
    pub options: ClientOptions,
    /// The broker.
    pub endpoint: Endpoint,
    /// The topic from a `-L mqtt://host/topic` URL.
    pub url_topic: Option<String>,
    /// `-d`.
    pub debug: bool,
}

impl Settings {
    /// Reads the shared connection flags.
    pub fn from_args(args: &ConnectArgs) -> Result<Self, CliError> {
        let version = match args.version {
            Version::V311 => ProtocolVersion::V311,
            Version::V5 => ProtocolVersion::V5,
        };
        let (endpoint, url_topic, url_user) = match &args.url {
            Some(url) => {
                let parsed = parse_url(url)?;
                (parsed.endpoint, parsed.topic, parsed.credentials)
            }
            None => (
                Endpoint::Tcp {
                    host: args.host.clone(),
                    port: args.port,
                },
                None,
                None,
            ),
        };
        let client_id = match &args.id {
            Some(id) => id.clone(),
            None => {
                if args.persistent && !version.is_v5() {
                    return Err(usage(
                        "You must provide a client id if you are using the -c option.",
                    ));
                }
                random_client_id()
            }
        };
        let session_expiry_interval = match (version, args.session_expiry, args.persistent) {
            (ProtocolVersion::V311, Some(_), _) => {
                return Err(usage(
                    "-x (session expiry interval) needs MQTT 5.0: add -V 5.",
                ))
            }
            (ProtocolVersion::V311, None, _) => 0,
            (_, Some(seconds), _) => seconds,
            (_, None, true) => u32::MAX,
            (_, None, false) => 0,
        };
        if session_expiry_interval == u32::MAX && args.id.is_none() {
            return Err(usage(
                "You must provide a client id if you are using an infinite session expiry interval.",
            ));
        }
        let (url_username, url_password) = url_user.unwrap_or_default();
        let mut options = ClientOptions::new(version, client_id);
        options.clean_start = !args.persistent;
        options.session_expiry_interval = session_expiry_interval;
        options.keep_alive = args.keepalive;
        options.username = args.username.clone().or(url_username);
        options.password = args
            .password
            .clone()
            .or(url_password)
            .map(String::into_bytes);
        options.will = args.will_topic.as_ref().map(|topic| WillOptions {
            topic: topic.clone(),
            payload: args.will_payload.clone().unwrap_or_default().into_bytes(),
            qos: qos(args.will_qos),
            retain: args.will_retain,
            properties: MessageProperties::default(),
            delay_interval: 0,
        });
        Ok(Settings {
            options,
            endpoint,
            url_topic,
            debug: args.debug,
        })
    }

    /// The driver's configuration for these settings.
    pub fn driver_config(&self) -> DriverConfig {
        DriverConfig::new(self.endpoint.clone())
    }

    /// With `-d`, a trace that prints each packet on stderr.
    pub fn trace(&self) -> Option<Trace> {
        self.debug
            .then(|| Box::new(|line: &str| eprintln!("{line}")) as Trace)
    }
}

/// A QoS from a level that clap has already range-checked.
pub fn qos(level: u8) -> QoS {
    QoS::from_bits(level).unwrap_or(QoS::AtMostOnce)
}

fn usage(message: &str) -> CliError {
    CliError::Usage(message.to_string())
}

/// A `-L` URL taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl {
    /// Where to connect.
    pub endpoint: Endpoint,
    /// `mqtt://host/topic`'s topic.
    pub topic: Option<String>,
    /// `user[:password]@`.
    pub credentials: Option<(Option<String>, Option<String>)>,
}

/// Parses `mqtt://[user[:password]@]host[:port]/topic` (mosquitto's `-L`) and
/// `ws://[user[:password]@]host[:port][/path]` (MQTT over WebSocket; the path defaults to `/mqtt`).
pub fn parse_url(url: &str) -> Result<ParsedUrl, CliError> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| usage("unsupported URL scheme."))?;
    let websocket = match scheme.to_ascii_lowercase().as_str() {
        "mqtt" => false,
        "ws" => true,
        "mqtts" | "wss" => return Err(usage("TLS support not available (use mqtt:// or ws://).")),
        _ => return Err(usage("unsupported URL scheme.")),
    };
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let (credentials, host_port) = match authority.rsplit_once('@') {
        Some((user_info, host_port)) => {
            let (user, password) = match user_info.split_once(':') {
                Some((user, password)) => (user.to_string(), Some(password.to_string())),
                None => (user_info.to_string(), None),
            };
            (Some((Some(user), password)), host_port)
        }
        None => (None, authority),
    };
    let default_port = if websocket { 80 } else { 1883 };
    let (host, port) = split_host_port(host_port, default_port)?;
    if websocket {
        let path = if path.is_empty() { "/mqtt" } else { path };
        return Ok(ParsedUrl {
            endpoint: Endpoint::WebSocket {
                host,
                port,
                path: path.to_string(),
            },
            topic: None,
            credentials,
        });
    }
    let topic = path.strip_prefix('/').unwrap_or_default();
    if topic.is_empty() {
        return Err(usage(
            "Invalid URL for -L argument specified - topic missing.",
        ));
    }
    Ok(ParsedUrl {
        endpoint: Endpoint::Tcp { host, port },
        topic: Some(topic.to_string()),
        credentials,
    })
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(text: &str, default_port: u16) -> Result<(String, u16), CliError> {
    let (host, port) = if let Some(inner) = text.strip_prefix('[') {
        let (host, after) = inner
            .split_once(']')
            .ok_or_else(|| usage("Invalid URL: unclosed '[' in the host."))?;
        (host, after.strip_prefix(':'))
    } else {
        match text.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    if host.is_empty() {
        return Err(usage("Invalid URL: no host."));
    }
    let port = match port {
        Some(port) => port
            .parse::<u16>()
            .map_err(|_| usage(&format!("Invalid URL: bad port '{port}'.")))?,
        None => default_port,
    };
    Ok((host.to_string(), port))
}

/// A client id that is unique enough for a command line: `mqtt-` and 12 characters from
/// OS-seeded hashing (no RNG dependency), within 3.1.1's guaranteed 23 characters.
pub fn random_client_id() -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(since) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(since.as_nanos());
    }
    let mut bits = hasher.finish();
    let mut id = String::from("mqtt-");
    for _ in 0..12 {
        let index = usize::try_from(bits % 36).unwrap_or(0);
        id.push(char::from(*ALPHABET.get(index).unwrap_or(&b'x')));
        bits /= 36;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mqtt_urls_carry_host_port_topic_and_credentials() {
        let parsed = parse_url("mqtt://alice:secret@broker:1884/a/b").expect("valid");
        assert_eq!(
            parsed.endpoint,
            Endpoint::Tcp {
                host: "broker".into(),
                port: 1884
            }
        );
        assert_eq!(parsed.topic.as_deref(), Some("a/b"));
        assert_eq!(
            parsed.credentials,
            Some((Some("alice".into()), Some("secret".into())))
        );
        let parsed = parse_url("mqtt://[::1]/t").expect("valid");
        assert_eq!(
            parsed.endpoint,
            Endpoint::Tcp {
                host: "::1".into(),
                port: 1883
            }
        );
        assert!(parse_url("mqtt://broker:1883").is_err());
        assert!(parse_url("http://broker/t").is_err());
    }

    #[test]
    fn ws_urls_carry_the_websocket_path() {
        let parsed = parse_url("ws://127.0.0.1:8080/ws/mqtt").expect("valid");
        assert_eq!(
            parsed.endpoint,
            Endpoint::WebSocket {
                host: "127.0.0.1".into(),
                port: 8080,
                path: "/ws/mqtt".into()
            }
        );
        let parsed = parse_url("ws://localhost").expect("valid");
        assert_eq!(
            parsed.endpoint,
            Endpoint::WebSocket {
                host: "localhost".into(),
                port: 80,
                path: "/mqtt".into()
            }
        );
    }

    #[test]
    fn random_ids_are_short_and_differ() {
        let a = random_client_id();
        let b = random_client_id();
        assert_ne!(a, b);
        assert!(a.len() <= 23 && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }
}
