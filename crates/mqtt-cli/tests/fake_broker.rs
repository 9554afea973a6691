//! Exact bytes: a scripted fake broker checks, byte for byte, what our `mqtt` sends — CONNECT with
//! each option, PUBLISH at each QoS with its handshake, SUBSCRIBE, PINGREQ, DISCONNECT, the resends
//! after a dropped connection — and sends malformed and protocol-violating packets, after which the
//! client must report a clear error and stop cleanly (5.0: with a DISCONNECT that says why).
//!
//! The expected bytes are written out by hand from the specifications, not produced by our encoder.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{mqtt_bin, Output, Proc};
use mqtt_core::{frame_len, ProtocolVersion};

/// The longest any single expectation may wait.
const WAIT: Duration = Duration::from_secs(10);

/// A listening fake broker on a free loopback port.
struct Fake {
    listener: TcpListener,
}

impl Fake {
    fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener.set_nonblocking(true).expect("non-blocking accept");
        Fake { listener }
    }

    fn port(&self) -> String {
        self.listener
            .local_addr()
            .expect("local address")
            .port()
            .to_string()
    }

    /// `mqtt <args> -h 127.0.0.1 -p <port>`, started.
    fn client(&self, args: &[&str]) -> Proc {
        let mut command = Command::new(mqtt_bin());
        command
            .args(args)
            .args(["-h", "127.0.0.1", "-p", &self.port()]);
        Proc::spawn(&mut command, None)
    }

    /// The next connection, within `limit`.
    fn accept_within(&self, limit: Duration) -> Option<Peer> {
        let deadline = Instant::now() + limit;
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).expect("blocking stream");
                    stream
                        .set_read_timeout(Some(Duration::from_millis(50)))
                        .expect("read timeout");
                    return Some(Peer {
                        stream,
                        pending: Vec::new(),
                    });
                }
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(_) => return None,
            }
        }
    }

    fn accept(&self) -> Peer {
        self.accept_within(WAIT)
            .expect("the client connected within 10 s")
    }
}

/// One connection from our client, seen from the broker's side.
struct Peer {
    stream: TcpStream,
    /// Bytes read but not yet taken as a packet.
    pending: Vec<u8>,
}

impl Peer {
    /// The next whole packet the client sent, within `limit`; `None` if the connection closed or
    /// nothing came.
    fn packet_within(&mut self, limit: Duration) -> Option<Vec<u8>> {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(len)) = frame_len(&self.pending, ProtocolVersion::V5) {
                if self.pending.len() >= len {
                    return Some(self.pending.drain(..len).collect());
                }
            }
            if Instant::now() >= deadline {
                return None;
            }
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => return None,
                Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
                Err(error)
                    if matches!(
                        error.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return None,
            }
        }
    }

    /// Asserts the next packet is exactly `expected` (hex).
    #[track_caller]
    fn expect(&mut self, expected: &str) {
        let got = self.packet_within(WAIT);
        assert_eq!(
            got.as_deref().map(hex),
            Some(normalize(expected)),
            "the client's next packet"
        );
    }

    /// Sends `bytes` (hex) as the broker.
    fn send(&mut self, bytes: &str) {
        self.stream
            .write_all(&unhex(bytes))
            .expect("write to client");
    }

    /// Asserts the client closes the connection without sending anything more, then closes ours
    /// (as a broker does after DISCONNECT).
    #[track_caller]
    fn expect_closed(mut self) {
        let deadline = Instant::now() + WAIT;
        let mut chunk = [0u8; 256];
        loop {
            assert!(
                self.pending.is_empty(),
                "unexpected bytes: {}",
                hex(&self.pending)
            );
            match self.stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
                Err(error)
                    if matches!(
                        error.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    assert!(
                        Instant::now() < deadline,
                        "the client did not close the connection"
                    )
                }
                Err(_) => break,
            }
        }
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// Drops the connection abruptly (as a network failure would).
    fn cut(self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn normalize(text: &str) -> String {
    hex(&unhex(text))
}

fn unhex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|pair| u8::from_str_radix(pair, 16).expect("hex byte"))
        .collect()
}

/// Hex of a UTF-8 string, for readable expectations.
fn ascii(text: &str) -> String {
    hex(text.as_bytes())
}

fn finish(client: Proc) -> Output {
    client.finish(WAIT)
}

#[track_caller]
fn assert_exit(output: &Output, code: i32, stderr: &str) {
    assert_eq!(
        output.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        output.stdout(),
        output.stderr()
    );
    assert!(
        output.stderr().contains(stderr),
        "stderr {:?} should contain {stderr:?}",
        output.stderr()
    );
}

const MQTT: &str = "00 04 4d 51 54 54";
const CONNACK_311: &str = "20 02 00 00";
const CONNACK_5: &str = "20 03 00 00 00";
/// 5.0 DISCONNECT, Normal disconnection: our encoder writes the reason code and an empty property
/// list (the short form "e0 00" would be valid too, §3.14.2.1 (5.0)).
const DISCONNECT_5: &str = "e0 02 00 00";

// --- CONNECT, option by option -------------------------------------------------------------------

#[test]
fn connect_311_minimal_then_qos0_publish_and_disconnect() {
    let fake = Fake::new();
    let client = fake.client(&["pub", "-i", "c1", "-k", "30", "-t", "t", "-m", "x"]);
    let mut peer = fake.accept();
    // Level 4, flags 0x02 (clean session), keep alive 30, client id "c1".
    peer.expect(&format!("10 0e {MQTT} 04 02 00 1e 00 02 63 31"));
    peer.send(CONNACK_311);
    peer.expect("30 04 00 01 74 78");
    peer.expect("e0 00");
    peer.expect_closed();
    assert_exit(&finish(client), 0, "");
}

#[test]
fn connect_311_with_every_option() {
    let fake = Fake::new();
    let client = fake.client(&[
        "pub",
        "-c",
        "-i",
        "c1",
        "-k",
        "10",
        "-u",
        "user",
        "-P",
        "pass",
        "--will-topic",
        "w",
        "--will-payload",
        "bye",
        "--will-qos",
        "1",
        "--will-retain",
        "-t",
        "t",
        "-m",
        "x",
    ]);
    let mut peer = fake.accept();
    // Flags 0xEC: user name, password, will retain, will QoS 1, will; no clean session.
    peer.expect(&format!(
        "10 22 {MQTT} 04 ec 00 0a 00 02 63 31 00 01 77 00 03 {} 00 04 {} 00 04 {}",
        ascii("bye"),
        ascii("user"),
        ascii("pass")
    ));
    peer.send(CONNACK_311);
    peer.expect("30 04 00 01 74 78");
    peer.expect("e0 00");
    peer.expect_closed();
    assert_exit(&finish(client), 0, "");
}

#[test]
fn connect_5_session_expiry_from_x() {
    let fake = Fake::new();
    let client = fake.client(&[
        "pub", "-V", "5", "-c", "-i", "c1", "-x", "3600", "-t", "t", "-m", "x",
    ]);
    let mut peer = fake.accept();
    // Level 5, flags 0x00 (clean start off), keep alive 60, properties: Session Expiry 3600.
    peer.expect(&format!(
        "10 14 {MQTT} 05 00 00 3c 05 11 00 00 0e 10 00 02 63 31"
    ));
    peer.send(CONNACK_5);
    peer.expect("30 05 00 01 74 00 78");
    peer.expect(DISCONNECT_5);
    peer.expect_closed();
    assert_exit(&finish(client), 0, "");
}

#[test]
fn connect_5_persistent_session_never_expires_by_default() {
    let fake = Fake::new();
    let client = fake.client(&["pub", "-V", "5", "-c", "-i", "c1", "-t", "t", "-m", "x"]);
    let mut peer = fake.accept();
    peer.expect(&format!(
        "10 14 {MQTT} 05 00 00 3c 05 11 ff ff ff ff 00 02 63 31"
    ));
    peer.send(CONNACK_5);
    peer.expect("30 05 00 01 74 00 78");
    peer.expect(DISCONNECT_5);
    peer.expect_closed();
    assert_exit(&finish(client), 0, "");
}

#[test]
fn connect_5_zero_length_client_id_with_a_will() {
    let fake = Fake::new();
    let client = fake.client(&[
        "pub",
        "-V",
        "5",
        "-i",
        "",
        "--will-topic",
        "w",
        "--will-payload",
        "bye",
        "-t",
        "t",
        "-m",
        "x",
    ]);
    let mut peer = fake.accept();
    // Flags 0x06: will, clean start; empty client id; empty will properties; will topic, payload.
    peer.expect(&format!(
        "10 16 {MQTT} 05 06 00 3c 00 00 00 00 00 01 77 00 03 {}",
        ascii("bye")
    ));
    // The broker assigns an id (Assigned Client Identifier "srv").
    peer.send(&format!("20 09 00 00 06 12 00 03 {}", ascii("srv")));
    peer.expect("30 05 00 01 74 00 78");
    peer.expect(DISCONNECT_5);
    peer.expect_closed();
    assert_exit(&finish(client), 0, "");
}

#[test]
fn connect_311_zero_length_client_id() {
    let fake = Fake::new();
    let client = fake.client(&["pub", "-i", "", "-t", "t", "-m", "x"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0c {MQTT} 04 02 00 3c 00 00"));
    peer.send(CONNACK_311);
    peer.expect("30 04 00 01 74 78");
    peer.expect("e0 00");
    peer.expect_closed();
    assert_exit(&finish(client), 0, "");
}

// --- PUBLISH at each QoS, with its handshake ------------------------------------------------------

#[test]
fn publish_qos1_311_waits_for_puback() {
    let fake = Fake::new();
    let client = fake.client(&["pub", "-i", "c1", "-q", "1", "-r", "-t", "t", "-m", "x"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0e {MQTT} 04 02 00 3c 00 02 63 31"));
    peer.send(CONNACK_311);
    // QoS 1 + RETAIN, packet id 1.
    peer.expect("33 06 00 01 74 00 01 78");
    assert!(
        peer.packet_within(Duration::from_millis(300)).is_none(),
        "nothing before PUBACK"
    );
    peer.send("40 02 00 01");
    peer.expect("e0 00");
    peer.expect_closed();
    assert_exit(&finish(client), 0, "");
}

#[test]
fn publish_qos2_5_full_handshake() {
    let fake = Fake::new();
    let client = fake.client(&[
        "pub", "-V", "5", "-i", "c1", "-q", "2", "-t", "t", "-m", "x",
    ]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0f {MQTT} 05 02 00 3c 00 00 02 63 31"));
    peer.send(CONNACK_5);
    peer.expect("34 07 00 01 74 00 01 00 78");
    peer.send("50 02 00 01");
    peer.expect("62 02 00 01");
    assert!(
        peer.packet_within(Duration::from_millis(300)).is_none(),
        "nothing before PUBCOMP"
    );
    peer.send("70 02 00 01");
    peer.expect(DISCONNECT_5);
    peer.expect_closed();
    assert_exit(&finish(client), 0, "");
}

#[test]
fn publish_lines_each_become_a_message() {
    let fake = Fake::new();
    let mut command = Command::new(mqtt_bin());
    command.args([
        "pub",
        "-i",
        "c1",
        "-q",
        "1",
        "-t",
        "t",
        "-l",
        "-h",
        "127.0.0.1",
        "-p",
        &fake.port(),
    ]);
    let client = Proc::spawn(&mut command, Some(b"a\n\nbc\n".to_vec()));
    let mut peer = fake.accept();
    peer.expect(&format!("10 0e {MQTT} 04 02 00 3c 00 02 63 31"));
    peer.send(CONNACK_311);
    // One message per line; the empty line is an empty message.
    peer.expect("32 06 00 01 74 00 01 61");
    peer.expect("32 05 00 01 74 00 02");
    peer.expect("32 07 00 01 74 00 03 62 63");
    peer.send("40 02 00 01 40 02 00 02 40 02 00 03");
    peer.expect("e0 00");
    peer.expect_closed();
    assert_exit(&finish(client), 0, "");
}

// --- SUBSCRIBE, QoS 2 duplicates, PINGREQ ---------------------------------------------------------

#[test]
fn subscribe_311_two_filters() {
    let fake = Fake::new();
    let client = fake.client(&[
        "sub", "-i", "c1", "-q", "1", "-t", "a/+", "-t", "b/#", "-C", "1",
    ]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0e {MQTT} 04 02 00 3c 00 02 63 31"));
    peer.send(CONNACK_311);
    peer.expect("82 0e 00 01 00 03 61 2f 2b 01 00 03 62 2f 23 01");
    peer.send("90 04 00 01 01 01");
    peer.send(&format!("30 06 00 03 {} 68", ascii("a/z")));
    peer.expect("e0 00");
    peer.expect_closed();
    let output = finish(client);
    assert_exit(&output, 0, "");
    assert_eq!(output.stdout(), "h\n");
}

#[test]
fn sub_qos2_prints_a_resent_message_once_and_finishes_the_handshake_first() {
    let fake = Fake::new();
    let client = fake.client(&[
        "sub", "-V", "5", "-i", "c1", "-q", "2", "-t", "t", "-C", "1",
    ]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0f {MQTT} 05 02 00 3c 00 00 02 63 31"));
    peer.send(CONNACK_5);
    peer.expect("82 07 00 01 00 00 01 74 02");
    peer.send("90 04 00 01 00 02");
    // QoS 2 id 7, then the same message again with DUP=1 before any PUBREL.
    peer.send(&format!("34 09 00 01 74 00 07 00 {}", ascii("one")));
    peer.expect("50 02 00 07");
    peer.send(&format!("3c 09 00 01 74 00 07 00 {}", ascii("one")));
    peer.expect("50 02 00 07");
    // -C 1 is reached, but the handshake is open: no DISCONNECT yet.
    assert!(
        peer.packet_within(Duration::from_millis(400)).is_none(),
        "the client must wait for PUBREL before it disconnects"
    );
    peer.send("62 02 00 07");
    peer.expect("70 02 00 07");
    peer.expect(DISCONNECT_5);
    peer.expect_closed();
    let output = finish(client);
    assert_exit(&output, 0, "");
    assert_eq!(output.stdout(), "one\n");
}

#[test]
fn pingreq_when_idle_then_disconnect_on_timeout() {
    let fake = Fake::new();
    let client = fake.client(&["sub", "-i", "c1", "-k", "1", "-t", "t", "-W", "3"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0e {MQTT} 04 02 00 01 00 02 63 31"));
    peer.send(CONNACK_311);
    peer.expect("82 06 00 01 00 01 74 00");
    peer.send("90 03 00 01 00");
    let started = Instant::now();
    let mut pings = 0;
    loop {
        let packet = peer
            .packet_within(WAIT)
            .expect("a PINGREQ or the DISCONNECT");
        match hex(&packet).as_str() {
            "c0 00" => {
                pings += 1;
                peer.send("d0 00");
            }
            "e0 00" => break,
            other => panic!("unexpected packet {other}"),
        }
    }
    assert!(
        pings >= 2,
        "expected a PINGREQ about every second, got {pings}"
    );
    assert!(started.elapsed() >= Duration::from_millis(1500));
    peer.expect_closed();
    let output = finish(client);
    assert_exit(&output, 27, "Timed out");
}

#[test]
fn no_pingresp_means_a_dead_link_and_a_reconnect() {
    let fake = Fake::new();
    let client = fake.client(&["sub", "-i", "c1", "-k", "1", "-t", "t"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0e {MQTT} 04 02 00 01 00 02 63 31"));
    peer.send(CONNACK_311);
    peer.expect("82 06 00 01 00 01 74 00");
    peer.send("90 03 00 01 00");
    peer.expect("c0 00");
    // No PINGRESP: after one more keep-alive period the client gives the link up and reconnects.
    peer.expect_closed();
    let mut again = fake.accept();
    again.expect(&format!("10 0e {MQTT} 04 02 00 01 00 02 63 31"));
    again.send(CONNACK_311);
    // A clean session lost the subscription: it is made again.
    again.expect("82 06 00 02 00 01 74 00");
    // The client would go on; it is killed (by PID) when dropped.
    drop(client);
}

// --- Dropped connections: resume or publish again -------------------------------------------------

#[test]
fn persistent_publisher_resends_pubrel_after_a_drop() {
    let fake = Fake::new();
    let client = fake.client(&["pub", "-c", "-i", "p1", "-q", "2", "-t", "t", "-m", "x"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0e {MQTT} 04 00 00 3c 00 02 70 31"));
    peer.send(CONNACK_311);
    peer.expect("34 06 00 01 74 00 01 78");
    peer.send("50 02 00 01");
    peer.expect("62 02 00 01");
    peer.cut();
    let mut again = fake.accept();
    again.expect(&format!("10 0e {MQTT} 04 00 00 3c 00 02 70 31"));
    // Session present: the client resumes where it was, with PUBREL (MQTT-4.4.0-1).
    again.send("20 02 01 00");
    again.expect("62 02 00 01");
    again.send("70 02 00 01");
    again.expect("e0 00");
    again.expect_closed();
    assert_exit(&finish(client), 0, "");
}

#[test]
fn persistent_publisher_resends_publish_with_dup_after_a_drop() {
    let fake = Fake::new();
    let client = fake.client(&["pub", "-c", "-i", "p1", "-q", "2", "-t", "t", "-m", "x"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0e {MQTT} 04 00 00 3c 00 02 70 31"));
    peer.send(CONNACK_311);
    peer.expect("34 06 00 01 74 00 01 78");
    peer.cut();
    let mut again = fake.accept();
    again.expect(&format!("10 0e {MQTT} 04 00 00 3c 00 02 70 31"));
    again.send("20 02 01 00");
    // The same packet id, DUP=1.
    again.expect("3c 06 00 01 74 00 01 78");
    again.send("50 02 00 01");
    again.expect("62 02 00 01");
    again.send("70 02 00 01");
    again.expect("e0 00");
    again.expect_closed();
    assert_exit(&finish(client), 0, "");
}

#[test]
fn clean_publisher_publishes_again_after_a_drop() {
    let fake = Fake::new();
    let client = fake.client(&["pub", "-i", "p2", "-q", "1", "-t", "t", "-m", "x"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0e {MQTT} 04 02 00 3c 00 02 70 32"));
    peer.send(CONNACK_311);
    peer.expect("32 06 00 01 74 00 01 78");
    peer.cut();
    let mut again = fake.accept();
    again.expect(&format!("10 0e {MQTT} 04 02 00 3c 00 02 70 32"));
    again.send(CONNACK_311);
    // The broker forgot it; the client publishes it again as a new message.
    again.expect("32 06 00 01 74 00 02 78");
    again.send("40 02 00 02");
    again.expect("e0 00");
    again.expect_closed();
    assert_exit(&finish(client), 0, "");
}

// --- Refusals ----------------------------------------------------------------------------------

#[test]
fn refused_311_reads_like_mosquitto() {
    let fake = Fake::new();
    let client = fake.client(&["pub", "-i", "c1", "-t", "t", "-m", "x"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0e {MQTT} 04 02 00 3c 00 02 63 31"));
    peer.send("20 02 00 05");
    peer.expect_closed();
    let output = finish(client);
    assert_exit(&output, 5, "");
    assert_eq!(
        output.stderr(),
        "Connection error: Connection Refused: not authorised.\n"
    );
}

#[test]
fn refused_5_reads_like_mosquitto() {
    let fake = Fake::new();
    let client = fake.client(&["sub", "-V", "5", "-i", "c1", "-t", "t"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0f {MQTT} 05 02 00 3c 00 00 02 63 31"));
    peer.send("20 03 00 87 00");
    peer.expect_closed();
    let output = finish(client);
    assert_exit(&output, 135, "");
    assert_eq!(output.stderr(), "Connection error: Not authorized\n");
}

#[test]
fn unreachable_broker_reads_like_mosquitto() {
    let port = {
        let fake = Fake::new();
        fake.port()
    };
    let mut command = Command::new(mqtt_bin());
    command.args(["pub", "-t", "t", "-m", "x", "-h", "127.0.0.1", "-p", &port]);
    let output = finish(Proc::spawn(&mut command, None));
    assert_exit(&output, 14, "");
    assert_eq!(output.stderr(), "Error: Connection refused\n");
}

// --- Malformed and protocol-violating packets -----------------------------------------------------

/// Connects a 3.1.1 `sub`, lets the script misbehave, and checks a clear error, exit status 2 and
/// a close without DISCONNECT (3.1.1 has no way to say why).
fn violation_311(after_connect: &[&str], message: &str) {
    let fake = Fake::new();
    let client = fake.client(&["sub", "-i", "c1", "-t", "t"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0e {MQTT} 04 02 00 3c 00 02 63 31"));
    for bytes in after_connect {
        if *bytes == "<SUBSCRIBE>" {
            peer.expect("82 06 00 01 00 01 74 00");
        } else {
            peer.send(bytes);
        }
    }
    peer.expect_closed();
    let output = finish(client);
    assert_exit(&output, 2, message);
}

/// The same in 5.0, where the client first sends DISCONNECT with the reason code.
fn violation_5(after_subscribe: &str, disconnect: &str, message: &str) {
    let fake = Fake::new();
    let client = fake.client(&["sub", "-V", "5", "-i", "c1", "-t", "t"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0f {MQTT} 05 02 00 3c 00 00 02 63 31"));
    peer.send(CONNACK_5);
    peer.expect("82 07 00 01 00 00 01 74 00");
    peer.send(after_subscribe);
    peer.expect(disconnect);
    peer.expect_closed();
    let output = finish(client);
    assert_exit(&output, 2, message);
}

#[test]
fn malformed_connack_length() {
    // CONNACK's remaining length must be 2 in 3.1.1.
    violation_311(&["20 03 00 00 00"], "the broker sent a malformed packet");
}

#[test]
fn first_packet_not_connack() {
    violation_311(&["90 03 00 01 00"], "expected CONNACK first, got SUBACK");
}

#[test]
fn reserved_packet_type_0() {
    violation_311(
        &[CONNACK_311, "<SUBSCRIBE>", "00 00"],
        "the broker sent a malformed packet",
    );
}

#[test]
fn remaining_length_over_four_bytes() {
    violation_311(
        &[CONNACK_311, "<SUBSCRIBE>", "30 ff ff ff ff 01"],
        "the broker sent a malformed packet",
    );
}

#[test]
fn a_client_only_packet_from_the_broker() {
    violation_311(
        &[CONNACK_311, "<SUBSCRIBE>", "c0 00"],
        "PINGREQ is sent by clients, never by a broker",
    );
}

#[test]
fn malformed_publish_qos3_gets_disconnect_0x81() {
    violation_5(
        "90 04 00 01 00 00 36 05 00 01 74 00 01",
        "e0 02 81 00",
        "malformed",
    );
}

#[test]
fn suback_for_an_unknown_id_gets_disconnect_0x82() {
    violation_5(
        "90 04 00 09 00 00",
        "e0 02 82 00",
        "SUBACK for packet identifier 9, which we did not use",
    );
}

#[test]
fn topic_alias_we_never_allowed_gets_disconnect_0x94() {
    // Topic Alias 1 although our Topic Alias Maximum is 0.
    violation_5(
        "90 04 00 01 00 00 30 07 00 01 74 03 23 00 01",
        "e0 02 94 00",
        "Topic Alias 1 is outside",
    );
}

#[test]
fn server_disconnect_is_reported_and_not_retried() {
    let fake = Fake::new();
    let client = fake.client(&["sub", "-V", "5", "-i", "c1", "-t", "t"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0f {MQTT} 05 02 00 3c 00 00 02 63 31"));
    peer.send(CONNACK_5);
    peer.expect("82 07 00 01 00 00 01 74 00");
    peer.send("90 04 00 01 00 00");
    peer.send("e0 02 8b 00");
    peer.expect_closed();
    let output = finish(client);
    assert_exit(
        &output,
        7,
        "the broker closed the connection: Server shutting down (0x8B)",
    );
    assert!(
        fake.accept_within(Duration::from_millis(500)).is_none(),
        "a broker that said goodbye is not reconnected to"
    );
}

#[test]
fn connection_closed_before_connack() {
    let fake = Fake::new();
    let client = fake.client(&["pub", "-i", "c1", "-t", "t", "-m", "x"]);
    let mut peer = fake.accept();
    peer.expect(&format!("10 0e {MQTT} 04 02 00 3c 00 02 63 31"));
    peer.cut();
    let output = finish(client);
    assert_exit(&output, 7, "Error: the connection was lost");
}
