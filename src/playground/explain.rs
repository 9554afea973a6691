//! Words for what went wrong, written for the person at the keyboard: a URL that cannot work, a
//! socket that failed (code 1006 carries no reason, so we list the likely causes), a refusal with its
//! reason code, a keep-alive timeout. Plain functions, so every message is unit-tested.

use mqtt_core::client::CloseReason;
use mqtt_core::codec::{PacketType, ProtocolVersion, ReasonCode};

use super::model::Level;

/// A WebSocket URL that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedUrl {
    /// The URL to open (trimmed).
    pub url: String,
    /// `true` for `wss://`.
    pub secure: bool,
    /// Host name or address.
    pub host: String,
    /// Port, if given.
    pub port: Option<u16>,
    /// A warning to show next to it, if any (the URL is still usable).
    pub warning: Option<String>,
}

/// Checks a broker URL before connecting. `page_is_https` says whether the page itself was loaded over
/// `https://` (then the browser blocks `ws://` as mixed content, except to this machine).
pub fn check_url(text: &str, page_is_https: bool) -> Result<CheckedUrl, String> {
    let url = text.trim();
    if url.is_empty() {
        return Err("Enter the broker's WebSocket URL, e.g. ws://127.0.0.1:9001".into());
    }
    if url.chars().any(char::is_whitespace) {
        return Err("A URL cannot contain spaces.".into());
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("Start with ws:// or wss://, e.g. ws://{url}"))?;
    let secure = match scheme.to_ascii_lowercase().as_str() {
        "ws" => false,
        "wss" => true,
        "mqtt" | "tcp" | "mqtts" | "ssl" | "tls" => {
            return Err(format!(
                "Browsers cannot open raw TCP connections ({scheme}://). Use the broker's WebSocket \
                 listener instead: ws://host:port (mosquitto: the port with `protocol websockets`, often \
                 9001), or wss:// for TLS."
            ))
        }
        "http" | "https" => {
            let suggested = if scheme.eq_ignore_ascii_case("https") { "wss" } else { "ws" };
            return Err(format!(
                "That is a web page address. MQTT over WebSocket uses {suggested}://{rest}"
            ));
        }
        other => return Err(format!("Unknown scheme {other}://: use ws:// or wss://.")),
    };
    if url.contains('#') {
        return Err("A WebSocket URL cannot have a #fragment.".into());
    }
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let authority =
        match authority.rsplit_once('@') {
            Some(_) => return Err(
                "Put the user name and password in the client's options, not in the URL (URLs end \
                 up in history and logs)."
                    .into(),
            ),
            None => authority,
        };
    let (host, port) = split_host_port(authority)?;
    if host.is_empty() {
        return Err("The URL has no host, e.g. ws://127.0.0.1:9001".into());
    }
    let loopback = is_loopback(&host);
    if page_is_https && !secure && !loopback {
        return Err(format!(
            "Mixed content: this page was loaded over https://, so the browser blocks unencrypted \
             ws:// connections to other machines. Use wss://{rest} (the broker's TLS WebSocket port), \
             or open the playground over http://."
        ));
    }
    let mut warning = None;
    if page_is_https && !secure {
        warning = Some(
            "This page is https:// and the broker is ws://: browsers allow that only to this machine."
                .into(),
        );
    }
    let path_missing = !rest.contains('/');
    let lower = host.to_ascii_lowercase();
    if path_missing && (lower.contains("hivemq") || lower.contains("emqx")) {
        warning = Some(format!(
            "{host} serves MQTT over WebSocket at the path /mqtt."
        ));
    }
    if port == Some(1883) || port == Some(8883) {
        warning = Some(
            "Port 1883/8883 is usually plain MQTT over TCP, which browsers cannot use; the \
             WebSocket listener is on another port (mosquitto often 9001, 8080 or 8081)."
                .into(),
        );
    }
    Ok(CheckedUrl {
        url: url.to_string(),
        secure,
        host,
        port,
        warning,
    })
}

fn split_host_port(authority: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or("An IPv6 address needs its closing ]")?;
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => return Err("Unexpected text after the IPv6 address.".into()),
        };
        (format!("[{host}]"), port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_string(), Some(port)),
            None => (authority.to_string(), None),
        }
    };
    let port = match port {
        None => None,
        Some(text) => match text.parse::<u16>() {
            Ok(0) | Err(_) => {
                return Err(format!("Port {text:?} is not a port number (1 to 65535)."))
            }
            Ok(port) => Some(port),
        },
    };
    Ok((host, port))
}

fn is_loopback(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "[::1]"
}

/// What a WebSocket close means. `opened` says whether the socket ever opened; `url` is where it went.
pub fn socket_closed(code: u16, reason: &str, opened: bool, url: &str) -> (String, Vec<String>) {
    let said = if reason.is_empty() {
        String::new()
    } else {
        format!(": “{reason}”")
    };
    if !opened {
        let title = format!("Could not open a WebSocket to {url} (code {code}{said}).");
        let mut causes = vec![
            "The browser gives no reason for a failed WebSocket (code 1006). Likely causes:".into(),
            "The broker is not running, or not on this host.".into(),
            "Wrong port or path: use the broker's WebSocket listener (mosquitto: the port with \
             `protocol websockets`, not 1883; HiveMQ and EMQX: the path /mqtt)."
                .into(),
            "The broker did not accept the subprotocol “mqtt”.".into(),
        ];
        if url.starts_with("wss://") {
            let https = url.replacen("wss://", "https://", 1);
            causes.push(format!(
                "The broker's TLS certificate is not trusted by this browser: open {https} once and \
                 accept it, then connect again."
            ));
        }
        causes.push("A firewall, proxy or browser extension blocks WebSockets.".into());
        return (title, causes);
    }
    let title = match code {
        1000 => format!("The broker closed the connection (code 1000{said})."),
        1001 => format!(
            "The broker is going away (code 1001{said}): it is shutting down or restarting."
        ),
        1002 => {
            format!("The broker closed the connection: WebSocket protocol error (code 1002{said}).")
        }
        1003 | 1007 => format!("The broker refused the data it got (code {code}{said})."),
        1006 => "The connection dropped without a closing handshake (code 1006).".into(),
        1008 => format!("The broker closed the connection: policy violation (code 1008{said})."),
        1009 => {
            format!("The broker closed the connection: a message was too big (code 1009{said}).")
        }
        1011 => format!("The broker hit an internal error (code 1011{said})."),
        1015 => "The TLS handshake failed (code 1015): the certificate is not trusted.".into(),
        _ => format!("The WebSocket closed (code {code}{said})."),
    };
    let causes = vec![
        "It closed without an MQTT DISCONNECT. Common causes:".into(),
        "Another client connected with the same client id, and the broker closed this one \
         (session take-over)."
            .into(),
        "The broker stopped, or the network went away.".into(),
        "The broker found a protocol error or an authorization problem (see its log).".into(),
    ];
    (title, causes)
}

/// What a session's close means, or `None` for the ordinary ones (our own DISCONNECT, and a lost
/// connection, which [`socket_closed`] explains with the socket's code).
pub fn session_closed(
    reason: &CloseReason,
    version: ProtocolVersion,
    keep_alive: u16,
) -> Option<(String, Vec<String>)> {
    match reason {
        CloseReason::Disconnected | CloseReason::ConnectionLost => None,
        CloseReason::Refused { code, name, reason } => {
            let mut details = Vec::new();
            if let Some(text) = reason {
                details.push(format!("The broker says: “{text}”"));
            }
            details.push(sentence(code.explain(PacketType::ConnAck, version)));
            if let Some(hint) = refusal_hint(*code, version) {
                details.push(hint.into());
            }
            // 3.1.1 names read "Connection refused: not authorized"; say it once.
            let name = name.strip_prefix("Connection refused: ").unwrap_or(name);
            Some((
                format!(
                    "The broker refused the connection: {name} (0x{:02X}).",
                    code.0
                ),
                details,
            ))
        }
        CloseReason::ServerDisconnected { code, name, reason } => {
            let mut details = Vec::new();
            if let Some(text) = reason {
                details.push(format!("The broker says: “{text}”"));
            }
            details.push(sentence(code.explain(PacketType::Disconnect, version)));
            Some((
                format!(
                    "The broker disconnected this client: {name} (0x{:02X}).",
                    code.0
                ),
                details,
            ))
        }
        CloseReason::ConnectTimeout => Some((
            "No CONNACK came back in time, so the client gave up.".into(),
            vec![
                "The socket opened but the broker never answered the CONNECT: is this really an \
                 MQTT broker, and does it speak MQTT over this WebSocket path?"
                    .into(),
            ],
        )),
        CloseReason::KeepAliveTimeout => Some((
            format!(
                "Keep-alive timeout: no PINGRESP within {keep_alive} s, so the connection is \
                 considered dead."
            ),
            vec![
                "The broker or the network stopped answering. The client closed the socket; \
                 connect again when the broker is reachable."
                    .into(),
            ],
        )),
        CloseReason::ProtocolError(error) => Some((
            format!("The client closed the connection: {error}"),
            Vec::new(),
        )),
    }
}

/// `text` as a sentence: capital first letter, final full stop (mqtt-core's explanations are
/// fragments meant to follow a field's name).
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        // ASCII only: Unicode case tables would cost the page kilobytes for English text.
        Some(first) => std::iter::once(first.to_ascii_uppercase())
            .chain(chars)
            .collect(),
        None => String::new(),
    };
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// What to try for a CONNACK refusal.
fn refusal_hint(code: ReasonCode, version: ProtocolVersion) -> Option<&'static str> {
    let v5 = version.is_v5();
    let code = code.0;
    Some(match (v5, code) {
        (false, 1) | (true, 0x84) => {
            "Try the other protocol version in the client's options (3.1.1 or 5.0)."
        }
        (false, 2) | (true, 0x85) => {
            "Try another client id (letters and digits, up to 23 characters are always accepted)."
        }
        (false, 4) | (true, 0x86) => "Check the user name and password in the client's options.",
        (false, 5) | (true, 0x87) => {
            "The broker does not let this client in: it may require a user name and password \
             (mosquitto 2: `allow_anonymous false`), or the account may not be allowed."
        }
        (false, 3) | (true, 0x88) | (true, 0x89) => {
            "The broker is unavailable or busy: try again later."
        }
        (true, 0x8A) => "This client has been banned by the broker's administrator.",
        _ => return None,
    })
}

/// The notice for a subscription result: granted as asked (for the record, so the user sees the
/// SUBACK answer the SUBSCRIBE they sent), granted at a lower QoS, or refused.
pub fn subscription_result(
    filter: &str,
    requested: u8,
    granted: Result<u8, (u8, &'static str)>,
) -> (Level, String) {
    match granted {
        Ok(qos) if qos < requested => (
            Level::Warning,
            format!(
                "The broker granted QoS {qos} for “{filter}” (asked for QoS {requested}): messages \
                 arrive at QoS {qos} at most."
            ),
        ),
        Ok(qos) => (
            Level::Info,
            format!("Subscribed to “{filter}”: the broker granted QoS {qos}."),
        ),
        Err((code, name)) => (
            Level::Warning,
            format!("The broker refused the subscription to “{filter}”: {name} (0x{code:02X})."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn good_urls_pass_with_their_parts() {
        let url = check_url("  ws://127.0.0.1:9001 ", false).unwrap();
        assert_eq!(
            (url.url.as_str(), url.secure, url.host.as_str(), url.port),
            ("ws://127.0.0.1:9001", false, "127.0.0.1", Some(9001))
        );
        assert_eq!(url.warning, None);
        let url = check_url("wss://broker.hivemq.com:8884/mqtt", true).unwrap();
        assert!(url.secure);
        assert_eq!(url.warning, None);
        let url = check_url("ws://[::1]:8080/", false).unwrap();
        assert_eq!((url.host.as_str(), url.port), ("[::1]", Some(8080)));
    }

    #[test]
    fn bad_urls_say_what_to_do() {
        assert!(check_url("", false)
            .unwrap_err()
            .contains("ws://127.0.0.1:9001"));
        assert!(check_url("127.0.0.1:9001", false)
            .unwrap_err()
            .contains("ws://127.0.0.1:9001"));
        assert!(check_url("mqtt://broker:1883", false)
            .unwrap_err()
            .contains("raw TCP"));
        assert!(check_url("https://example.com/mqtt", false)
            .unwrap_err()
            .contains("wss://example.com/mqtt"));
        assert!(check_url("ws://host:99999", false)
            .unwrap_err()
            .contains("port"));
        assert!(check_url("ws://:9001", false)
            .unwrap_err()
            .contains("no host"));
        assert!(check_url("ws://a b", false).unwrap_err().contains("spaces"));
        assert!(check_url("ws://u:p@host:9001", false)
            .unwrap_err()
            .contains("password"));
        assert!(check_url("ws://host/#x", false)
            .unwrap_err()
            .contains("fragment"));
    }

    #[test]
    fn ws_from_an_https_page_is_mixed_content_except_to_this_machine() {
        let error = check_url("ws://broker.example:9001", true).unwrap_err();
        assert!(error.contains("Mixed content") && error.contains("wss://broker.example:9001"));
        let local = check_url("ws://localhost:9001", true).unwrap();
        assert!(local.warning.unwrap().contains("only to this machine"));
    }

    #[test]
    fn hints_for_likely_mistakes() {
        let hive = check_url("wss://broker.hivemq.com:8884", false).unwrap();
        assert!(hive.warning.unwrap().contains("/mqtt"));
        let tcp_port = check_url("ws://127.0.0.1:1883", false).unwrap();
        assert!(tcp_port.warning.unwrap().contains("WebSocket listener"));
    }

    #[test]
    fn a_socket_that_never_opened_lists_the_likely_causes() {
        let (title, causes) = socket_closed(1006, "", false, "wss://example.org:8081");
        assert!(title.contains("Could not open") && title.contains("1006"));
        let all = causes.join("\n");
        assert!(all.contains("not running"));
        assert!(all.contains("Wrong port or path"));
        assert!(all.contains("open https://example.org:8081 once"));
        let (_, causes) = socket_closed(1006, "", false, "ws://127.0.0.1:1");
        assert!(!causes.join("\n").contains("certificate"));
        let (title, causes) = socket_closed(1000, "bye", true, "ws://x");
        assert!(title.contains("closed the connection") && title.contains("bye"));
        assert!(causes.join("\n").contains("same client id"));
    }

    #[test]
    fn refusals_name_the_reason_and_what_to_try() {
        let refused = CloseReason::Refused {
            code: ReasonCode(5),
            name: "Connection refused: not authorized",
            reason: None,
        };
        let (title, details) = session_closed(&refused, ProtocolVersion::V311, 60).unwrap();
        assert_eq!(
            title,
            "The broker refused the connection: not authorized (0x05)."
        );
        assert!(details.join(" ").contains("allow_anonymous"));
        assert_eq!(details[0], "The client is not authorized to connect.");
        let timeout = session_closed(&CloseReason::KeepAliveTimeout, ProtocolVersion::V5, 30)
            .unwrap()
            .0;
        assert!(timeout.contains("Keep-alive timeout") && timeout.contains("30 s"));
        assert_eq!(
            session_closed(&CloseReason::Disconnected, ProtocolVersion::V5, 30),
            None
        );
    }

    #[test]
    fn every_subscription_result_is_noticed_downgrades_and_refusals_as_warnings() {
        let (level, text) = subscription_result("a/#", 2, Ok(1));
        assert_eq!(level, Level::Warning);
        assert!(text.contains("granted QoS 1"), "{text}");
        let (level, text) = subscription_result("a/#", 1, Ok(1));
        assert_eq!(level, Level::Info);
        assert!(
            text.contains("“a/#”") && text.contains("granted QoS 1"),
            "{text}"
        );
        let (level, text) = subscription_result("a/#", 1, Err((0x80, "Failure")));
        assert_eq!(level, Level::Warning);
        assert!(text.contains("refused"), "{text}");
    }
}
