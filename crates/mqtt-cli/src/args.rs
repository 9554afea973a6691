//! The command line, flag for flag as `mosquitto_pub` / `mosquitto_sub` spell it, so a person (or a
//! script) can switch between the two.
//!
//! mosquitto uses `-h` for the host and `-V` for the protocol version, so clap's `-h`/`-V` are off in
//! the subcommands: help is `--help`, the version `mqtt --version`.

use clap::{ArgAction, Args, Parser, Subcommand};

const ABOUT: &str =
    "Publish and subscribe to an MQTT broker (3.1.1 or 5.0) over TCP or WebSocket, \
                     with the flags of mosquitto_pub and mosquitto_sub.";

const AFTER_HELP: &str = "\
Examples:
  mqtt sub -h broker.local -t 'sensors/#' -v
  mqtt pub -h broker.local -t sensors/kitchen -m 21.5 -q 1 -r
  mqtt pub -L ws://127.0.0.1:8080/mqtt -t chat -l < lines.txt
  mqtt sub -L mqtt://127.0.0.1:1883/chat -V 5 -c -i me -q 2

Exit status: 0 on success; the CONNACK code when the broker refuses the connection (e.g. 5 for
\"not authorised\" in 3.1.1, 135 in 5.0); 27 when `sub -W` times out; 14 when the broker cannot be
reached; 1 for invalid arguments; 2 when the broker breaks the protocol; 7 when the connection is lost
and cannot be re-established.";

/// `mqtt pub|sub`.
#[derive(Debug, Parser)]
#[command(name = "mqtt", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Publish a message (from -m, -n, -f, stdin, or one per stdin line), like mosquitto_pub.
    #[command(
        disable_help_flag = true,
        long_about = PUB_ABOUT,
        after_help = PUB_AFTER_HELP
    )]
    Pub(PubArgs),
    /// Subscribe to topic filters and print messages as they arrive, like mosquitto_sub.
    #[command(
        disable_help_flag = true,
        long_about = SUB_ABOUT,
        after_help = SUB_AFTER_HELP
    )]
    Sub(SubArgs),
}

const PUB_ABOUT: &str = "\
Publish a message (from -m, -n, -f, stdin, or one per stdin line), like mosquitto_pub.

The command waits until every QoS 1/2 message has completed its handshake (PUBACK, or PUBREC + PUBREL +
PUBCOMP), then disconnects cleanly. If the connection drops before that, it reconnects (backoff 0.1 s
doubling to 5 s, up to 10 attempts in a row) and completes delivery: with -c the broker's stored session
is resumed and the unacknowledged messages are resent with DUP=1; with a clean session the broker
forgets them, so they are published again.

Caveat: with a clean session, a QoS 2 message published again after a drop is delivered
at least once, not exactly once: the broker may already have forwarded the first copy. Use -c (and
-i) for exactly once across drops.";

const PUB_AFTER_HELP: &str = "\
Examples:
  mqtt pub -t home/lamp -m on -q 1
  mqtt pub -t home/lamp -r -n                  # clear the retained message (empty payload)
  mqtt pub -t logs -l -q 2 -c -i logger < app.log
  mqtt pub -L ws://127.0.0.1:8080/mqtt -t t -m hi";

const SUB_ABOUT: &str = "\
Subscribe to topic filters and print messages as they arrive, like mosquitto_sub.

Each message is printed as its payload (with -v: `topic payload`) and a newline (not with -N), flushed
line by line so a pipe sees it at once. A QoS 2 message is printed exactly once, even when the broker
sends it again with DUP=1; before exiting (-C, -W, -E) any open QoS 2 handshake is completed, then the
client disconnects cleanly. A dropped connection is re-established (backoff 0.1 s doubling to 5 s, up to
10 attempts in a row); with -c the broker keeps the subscriptions and queues messages while we are
away.";

const SUB_AFTER_HELP: &str = "\
Examples:
  mqtt sub -t 'home/#' -v
  mqtt sub -t alerts -C 1 -q 2 -W 30           # wait up to 30 s for one alert
  mqtt sub -t jobs -c -i worker-1 -q 1 -V 5 -x 3600";

/// Options shared by `pub` and `sub`: where to connect and how.
#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// MQTT host to connect to.
    #[arg(
        short = 'h',
        long = "host",
        value_name = "HOST",
        default_value = "localhost"
    )]
    pub host: String,

    /// Network port to connect to.
    #[arg(
        short = 'p',
        long = "port",
        value_name = "PORT",
        default_value_t = 1883
    )]
    pub port: u16,

    /// Broker (and topic) as a URL instead of -h/-p: mqtt://[user[:password]@]host[:port]/topic
    /// (mosquitto's form; port 1883 by default), or ws://[user[:password]@]host[:port][/path] for
    /// MQTT over WebSocket (subprotocol `mqtt`; path /mqtt and port 80 by default).
    #[arg(short = 'L', long = "url", value_name = "URL", conflicts_with_all = ["host", "port"])]
    pub url: Option<String>,

    /// Client identifier. Without it a random one is generated; -i '' sends a zero-length id (the
    /// broker assigns one; 3.1.1 only allows that with a clean session).
    #[arg(short = 'i', long = "id", value_name = "ID")]
    pub id: Option<String>,

    /// Keep alive in seconds: a PINGREQ after this long without sending; 0 turns it off.
    #[arg(
        short = 'k',
        long = "keepalive",
        value_name = "SECONDS",
        default_value_t = 60
    )]
    pub keepalive: u16,

    /// User name.
    #[arg(short = 'u', long = "username", value_name = "USER")]
    pub username: Option<String>,

    /// Password.
    #[arg(short = 'P', long = "pw", value_name = "PASSWORD")]
    pub password: Option<String>,

    /// QoS to publish at, or the maximum QoS to subscribe with.
    #[arg(short = 'q', long = "qos", value_name = "QOS", default_value_t = 0,
          value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,

    /// MQTT protocol version: 311 (also mqttv311) or 5 (also mqttv5).
    #[arg(short = 'V', long = "protocol-version", value_name = "VERSION", default_value = "311",
          value_parser = parse_version)]
    pub version: Version,

    /// Disable clean session: resume the broker's stored session for this client id (needs -i).
    /// In 5.0 the session never expires unless -x says otherwise, as with mosquitto.
    #[arg(short = 'c', long = "disable-clean-session")]
    pub persistent: bool,

    /// 5.0 Session Expiry Interval in seconds: how long the broker keeps the session after we
    /// disconnect (default: 0, or never with -c; 4294967295 means never).
    #[arg(short = 'x', long = "session-expiry-interval", value_name = "SECONDS")]
    pub session_expiry: Option<u32>,

    /// Topic of the will: published by the broker if this client vanishes without DISCONNECT.
    #[arg(long = "will-topic", value_name = "TOPIC")]
    pub will_topic: Option<String>,

    /// Payload of the will.
    #[arg(long = "will-payload", value_name = "PAYLOAD", requires = "will_topic")]
    pub will_payload: Option<String>,

    /// QoS of the will.
    #[arg(long = "will-qos", value_name = "QOS", default_value_t = 0, requires = "will_topic",
          value_parser = clap::value_parser!(u8).range(0..=2))]
    pub will_qos: u8,

    /// Have the broker retain the will.
    #[arg(long = "will-retain", requires = "will_topic")]
    pub will_retain: bool,

    /// Print every packet sent and received (to stderr).
    #[arg(short = 'd', long = "debug")]
    pub debug: bool,

    /// Print help.
    #[arg(long = "help", action = ArgAction::Help)]
    pub help: Option<bool>,
}

/// `mqtt pub`.
#[derive(Debug, Clone, Args)]
#[command(group = clap::ArgGroup::new("payload").required(true).multiple(false))]
pub struct PubArgs {
    /// Topic to publish to (or give it in -L mqtt://host/topic).
    #[arg(short = 't', long = "topic", value_name = "TOPIC")]
    pub topic: Option<String>,

    /// The message payload; -m '' sends an empty one.
    #[arg(
        short = 'm',
        long = "message",
        value_name = "MESSAGE",
        group = "payload"
    )]
    pub message: Option<String>,

    /// Send a null (zero-length) message.
    #[arg(short = 'n', long = "null-message", group = "payload")]
    pub null_message: bool,

    /// Send the contents of a file as the message.
    #[arg(short = 'f', long = "file", value_name = "FILE", group = "payload")]
    pub file: Option<std::path::PathBuf>,

    /// Read the message from stdin, sending all of it as one message.
    #[arg(short = 's', long = "stdin-file", group = "payload")]
    pub stdin_file: bool,

    /// Read stdin and send one message per line (without its newline) as lines arrive.
    #[arg(short = 'l', long = "stdin-line", group = "payload")]
    pub stdin_line: bool,

    /// Retain the message: the broker keeps the last one per topic for future subscribers
    /// (an empty retained message clears it).
    #[arg(short = 'r', long = "retain")]
    pub retain: bool,

    /// Connection options.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `mqtt sub`.
#[derive(Debug, Clone, Args)]
pub struct SubArgs {
    /// Topic filter to subscribe to (wildcards + and # allowed); may be repeated.
    #[arg(short = 't', long = "topic", value_name = "TOPIC")]
    pub topics: Vec<String>,

    /// Print `topic payload` instead of the payload alone.
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,

    /// Disconnect and exit after receiving this many messages.
    #[arg(short = 'C', value_name = "COUNT",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Give up after this many seconds (prints "Timed out", exit status 27).
    #[arg(short = 'W', value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,

    /// Do not add a newline after each payload.
    #[arg(short = 'N')]
    pub no_newline: bool,

    /// Exit once all subscriptions have been acknowledged by the broker.
    #[arg(short = 'E')]
    pub exit_after_subscribe: bool,

    /// Connection options.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// The protocol versions the CLI speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// MQTT 3.1.1.
    V311,
    /// MQTT 5.0.
    V5,
}

fn parse_version(text: &str) -> Result<Version, String> {
    match text {
        "311" | "mqttv311" | "3.1.1" => Ok(Version::V311),
        "5" | "mqttv5" | "5.0" => Ok(Version::V5),
        "31" | "mqttv31" => Err("MQTT 3.1 is not supported; use 311 or 5".to_string()),
        other => Err(format!("unknown protocol version '{other}'; use 311 or 5")),
    }
}
