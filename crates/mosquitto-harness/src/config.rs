//! What a broker listens on and keeps: written out as its `mosquitto.conf`.

use std::path::PathBuf;

/// A broker's configuration. Every listener is on 127.0.0.1 only and lets anyone in.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the configuration, the log and (with persistence) the saved state go.
    pub dir: PathBuf,
    /// MQTT over TCP.
    pub port: u16,
    /// MQTT over WebSocket, if wanted.
    pub ws_port: Option<u16>,
    /// Save sessions and messages in `dir` on SIGTERM (autosave off), and read them back on start.
    pub persistence: bool,
    /// No limit on queued QoS 1/2 messages (`max_queued_messages 0`): floods and offline queues in
    /// tests must never lose a message to mosquitto's default of 1,000.
    pub unlimited_queues: bool,
    /// Log every connection and disconnection.
    pub connection_messages: bool,
}

impl Config {
    /// A broker in `dir` with a TCP listener on `port` and nothing else.
    pub fn new(dir: PathBuf, port: u16) -> Self {
        Config {
            dir,
            port,
            ws_port: None,
            persistence: false,
            unlimited_queues: false,
            connection_messages: false,
        }
    }

    /// Adds a WebSocket listener on `ws_port`.
    pub fn websocket(self, ws_port: u16) -> Self {
        Config {
            ws_port: Some(ws_port),
            ..self
        }
    }

    /// The ports that must accept before the broker counts as up.
    pub(crate) fn ports(&self) -> impl Iterator<Item = u16> {
        std::iter::once(self.port).chain(self.ws_port)
    }

    /// Gets `dir` ready. mosquitto started as root drops to the `mosquitto` user before it saves:
    /// with persistence, the directory must let it write.
    pub(crate) fn prepare(&self) -> Result<(), String> {
        if self.persistence {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o777))
                .map_err(|e| format!("cannot open {} to the broker: {e}", self.dir.display()))?;
        }
        Ok(())
    }

    /// The `mosquitto.conf` text. `socket_domain ipv4` on every listener: without it a WebSocket
    /// listener binds every interface.
    pub fn text(&self) -> String {
        let mut text = String::from(
            "# Written by mosquitto-harness; rewritten on every start.\n\
             per_listener_settings false\n\
             allow_anonymous true\n\
             log_dest stderr\n\
             log_type error\nlog_type warning\nlog_type notice\nlog_type information\n",
        );
        if self.persistence {
            text += &format!(
                "persistence true\npersistence_location {}/\npersistence_file mosquitto.db\n\
                 autosave_interval 0\n",
                self.dir.display()
            );
        } else {
            text += "persistence false\n";
        }
        if self.unlimited_queues {
            text += "max_queued_messages 0\n";
        }
        if self.connection_messages {
            text += "connection_messages true\n";
        }
        text += &format!("listener {} 127.0.0.1\nsocket_domain ipv4\n", self.port);
        if let Some(ws_port) = self.ws_port {
            text +=
                &format!("listener {ws_port} 127.0.0.1\nprotocol websockets\nsocket_domain ipv4\n");
        }
        text
    }
}
