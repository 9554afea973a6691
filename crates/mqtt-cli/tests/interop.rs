//! Our `mqtt` (over TCP and over WebSocket) against mosquitto_pub/mosquitto_sub (TCP: they have no
//! WebSocket) through a real mosquitto, both directions, MQTT 3.1.1 and 5.0.
//!
//! One test per (our transport, protocol version), each with its own broker, so the four run in
//! parallel. Every scenario uses its own topics; each prints one line of the interop matrix.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{assert_ok, mqtt_bin, run, tool, Mosquitto, Output, Proc};

/// How long any one client may take.
const LIMIT: Duration = Duration::from_secs(20);
/// How long a subscriber may take to be subscribed.
const READY: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    Tcp,
    Ws,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V311,
    V5,
}

impl Version {
    fn ours(self) -> &'static str {
        match self {
            Version::V311 => "311",
            Version::V5 => "5",
        }
    }

    fn theirs(self) -> &'static str {
        match self {
            Version::V311 => "mqttv311",
            Version::V5 => "mqttv5",
        }
    }

    fn other(self) -> Version {
        match self {
            Version::V311 => Version::V5,
            Version::V5 => Version::V311,
        }
    }
}

/// One broker and the way our client reaches it.
struct Ctx {
    broker: Mosquitto,
    via: Via,
    version: Version,
}

impl Ctx {
    fn new(via: Via, version: Version) -> Self {
        Ctx {
            broker: Mosquitto::start(),
            via,
            version,
        }
    }

    fn label(&self) -> String {
        format!("{:?} {}", self.via, self.version.ours())
    }

    /// `mqtt pub|sub` with our transport and version.
    fn ours(&self, command: &str, version: Version, args: &[&str]) -> Command {
        let mut cmd = Command::new(mqtt_bin());
        cmd.arg(command);
        match self.via {
            Via::Tcp => cmd.args(["-h", "127.0.0.1", "-p", &self.broker.port.to_string()]),
            Via::Ws => cmd.args([
                "-L",
                &format!("ws://127.0.0.1:{}/mqtt", self.broker.ws_port),
            ]),
        };
        cmd.args(["-V", version.ours()]).args(args);
        cmd
    }

    /// `mosquitto_pub|sub` over TCP.
    fn theirs(&self, program: &str, version: Version, args: &[&str]) -> Command {
        // Line-buffered stdout: mosquitto's `-d` lines must reach us as they happen.
        let mut cmd = Command::new("stdbuf");
        cmd.arg("-oL").arg(tool(program));
        cmd.args(["-h", "127.0.0.1", "-p", &self.broker.port.to_string()])
            .args(["-V", version.theirs()])
            .args(args);
        cmd
    }

    fn our_pub(&self, args: &[&str]) -> Output {
        self.our_pub_v(self.version, args, None)
    }

    fn our_pub_v(&self, version: Version, args: &[&str], stdin: Option<Vec<u8>>) -> Output {
        let output = run(&mut self.ours("pub", version, args), stdin, LIMIT);
        assert_ok(&output);
        output
    }

    fn their_pub(&self, args: &[&str]) -> Output {
        self.their_pub_v(self.version, args, None)
    }

    fn their_pub_v(&self, version: Version, args: &[&str], stdin: Option<Vec<u8>>) -> Output {
        let output = run(
            &mut self.theirs("mosquitto_pub", version, args),
            stdin,
            LIMIT,
        );
        assert_ok(&output);
        output
    }

    /// Our subscriber, once its SUBACK has arrived (seen in its `-d` trace on stderr).
    fn our_sub(&self, args: &[&str]) -> Proc {
        self.our_sub_v(self.version, args)
    }

    fn our_sub_v(&self, version: Version, args: &[&str]) -> Proc {
        let mut cmd = self.ours("sub", version, args);
        cmd.arg("-d");
        let proc = Proc::spawn(&mut cmd, None);
        proc.wait_stderr("received SUBACK", READY);
        proc
    }

    /// mosquitto_sub, once its SUBACK has arrived (its `-d` lines go to stdout).
    fn their_sub(&self, args: &[&str]) -> Proc {
        self.their_sub_v(self.version, args)
    }

    fn their_sub_v(&self, version: Version, args: &[&str]) -> Proc {
        let mut cmd = self.theirs("mosquitto_sub", version, args);
        cmd.arg("-d");
        let proc = Proc::spawn(&mut cmd, None);
        proc.wait_stdout("received SUBACK", READY);
        proc
    }

    /// Runs one scenario, printing a matrix line; on failure adds the broker's log.
    fn scenario(&self, name: &str, body: impl FnOnce(&Ctx)) {
        let started = Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(self)));
        match result {
            Ok(()) => println!(
                "interop | {:<4} {:<3} | {name:<48} | pass ({} ms)",
                format!("{:?}", self.via),
                self.version.ours(),
                started.elapsed().as_millis()
            ),
            Err(panic) => {
                eprintln!(
                    "interop {} | {name} FAILED; mosquitto log:\n{}",
                    self.label(),
                    self.broker.log()
                );
                std::panic::resume_unwind(panic);
            }
        }
    }
}

fn sorted_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines
}

/// Our sub's stdout (it prints nothing else there).
fn ours_printed(output: &Output) -> String {
    output.stdout()
}

fn qos_both_directions(ctx: &Ctx) {
    // Ours -> mosquitto_sub.
    let sub = ctx.their_sub(&["-t", "qos/ours/#", "-q", "2", "-v", "-C", "3"]);
    for qos in ["0", "1", "2"] {
        let topic = format!("qos/ours/{qos}");
        ctx.our_pub(&["-t", &topic, "-q", qos, "-m", &format!("m{qos}")]);
    }
    let output = sub.finish(LIMIT);
    assert_ok(&output);
    // Sorted: MQTT orders messages per QoS only (§4.6).
    assert_eq!(
        sorted_lines(&output.messages()),
        ["qos/ours/0 m0", "qos/ours/1 m1", "qos/ours/2 m2"]
    );
    assert!(output.stdout().contains("received PUBLISH (d0, q2"));

    // mosquitto_pub -> ours.
    let sub = ctx.our_sub(&["-t", "qos/theirs/#", "-q", "2", "-v", "-C", "3"]);
    for qos in ["0", "1", "2"] {
        let topic = format!("qos/theirs/{qos}");
        ctx.their_pub(&["-t", &topic, "-q", qos, "-m", &format!("m{qos}")]);
    }
    let output = sub.finish(LIMIT);
    assert_ok(&output);
    assert_eq!(
        sorted_lines(&ours_printed(&output)),
        ["qos/theirs/0 m0", "qos/theirs/1 m1", "qos/theirs/2 m2"]
    );
    let trace = output.stderr();
    assert!(
        trace.contains("received PUBLISH \"qos/theirs/1\" QoS 1"),
        "{trace}"
    );
    assert!(
        trace.contains("received PUBLISH \"qos/theirs/2\" QoS 2"),
        "{trace}"
    );
    assert!(trace.contains("sending PUBCOMP"), "{trace}");
}

fn retained_set_replace_clear(ctx: &Ctx) {
    // Ours publishes; mosquitto_sub sees only the latest; an empty retained message clears it.
    ctx.our_pub(&["-t", "ret/ours", "-r", "-q", "1", "-m", "v1"]);
    ctx.our_pub(&["-t", "ret/ours", "-r", "-q", "1", "-m", "v2"]);
    let output = run(
        &mut ctx.theirs(
            "mosquitto_sub",
            ctx.version,
            &["-t", "ret/ours", "-C", "1", "-W", "5"],
        ),
        None,
        LIMIT,
    );
    assert_ok(&output);
    assert_eq!(output.stdout(), "v2\n");
    ctx.our_pub(&["-t", "ret/ours", "-r", "-q", "1", "-m", ""]);
    let output = run(
        &mut ctx.theirs("mosquitto_sub", ctx.version, &["-t", "ret/ours", "-W", "1"]),
        None,
        LIMIT,
    );
    assert_eq!(output.code(), Some(27), "{}", output.stderr());
    assert_eq!(output.stdout(), "");

    // mosquitto_pub publishes; ours sees only the latest; -n clears it.
    ctx.their_pub(&["-t", "ret/theirs", "-r", "-q", "1", "-m", "w1"]);
    ctx.their_pub(&["-t", "ret/theirs", "-r", "-q", "2", "-m", "w2"]);
    let output = run(
        &mut ctx.ours(
            "sub",
            ctx.version,
            &["-t", "ret/theirs", "-C", "1", "-W", "5"],
        ),
        None,
        LIMIT,
    );
    assert_ok(&output);
    assert_eq!(output.stdout(), "w2\n");
    ctx.their_pub(&["-t", "ret/theirs", "-r", "-n"]);
    let output = run(
        &mut ctx.ours("sub", ctx.version, &["-t", "ret/theirs", "-W", "1"]),
        None,
        LIMIT,
    );
    assert_eq!(output.code(), Some(27), "{}", output.stderr());
    assert_eq!(output.stderr(), "Timed out\n");
    assert_eq!(output.stdout(), "");
}

fn will_abnormal_but_not_clean(ctx: &Ctx) {
    // Ours is killed: mosquitto publishes its will to mosquitto_sub.
    let watcher = ctx.their_sub(&["-t", "will/ours", "-C", "1"]);
    let victim = ctx.our_sub(&[
        "-t",
        "will/unused",
        "--will-topic",
        "will/ours",
        "--will-payload",
        "ours vanished",
        "--will-qos",
        "1",
    ]);
    victim.kill();
    let output = watcher.finish(LIMIT);
    assert_ok(&output);
    assert_eq!(output.messages(), "ours vanished\n");

    // Ours exits cleanly: no will; the watcher's first message is the sentinel.
    let watcher = ctx.their_sub(&["-t", "will/ours-clean", "-C", "1"]);
    ctx.our_pub(&[
        "-t",
        "will/other",
        "-m",
        "x",
        "--will-topic",
        "will/ours-clean",
        "--will-payload",
        "must not appear",
    ]);
    ctx.their_pub(&["-t", "will/ours-clean", "-m", "sentinel"]);
    let output = watcher.finish(LIMIT);
    assert_ok(&output);
    assert_eq!(output.messages(), "sentinel\n");

    // mosquitto_sub is killed: ours receives its will.
    let watcher = ctx.our_sub(&["-t", "will/theirs", "-C", "1"]);
    let victim = ctx.their_sub(&[
        "-t",
        "will/unused",
        "--will-topic",
        "will/theirs",
        "--will-payload",
        "theirs vanished",
    ]);
    victim.kill();
    let output = watcher.finish(LIMIT);
    assert_ok(&output);
    assert_eq!(ours_printed(&output), "theirs vanished\n");

    // mosquitto_pub exits cleanly: ours sees only the sentinel.
    let watcher = ctx.our_sub(&["-t", "will/theirs-clean", "-C", "1"]);
    ctx.their_pub(&[
        "-t",
        "will/other",
        "-m",
        "x",
        "--will-topic",
        "will/theirs-clean",
        "--will-payload",
        "must not appear",
    ]);
    ctx.our_pub(&["-t", "will/theirs-clean", "-m", "sentinel"]);
    let output = watcher.finish(LIMIT);
    assert_ok(&output);
    assert_eq!(ours_printed(&output), "sentinel\n");
}

fn zero_length_client_id(ctx: &Ctx) {
    let sub = ctx.their_sub(&["-t", "zero/ours", "-C", "1", "-q", "1"]);
    let output = ctx.our_pub(&[
        "-i",
        "",
        "-t",
        "zero/ours",
        "-q",
        "1",
        "-m",
        "anonymous",
        "-d",
    ]);
    assert!(
        output.stderr().contains("sending CONNECT \"\""),
        "{}",
        output.stderr()
    );
    assert_eq!(sub.finish(LIMIT).messages(), "anonymous\n");

    let sub = ctx.our_sub(&["-i", "", "-t", "zero/theirs", "-C", "1", "-q", "1"]);
    assert!(
        sub.stderr().contains("sending CONNECT \"\""),
        "{}",
        sub.stderr()
    );
    ctx.their_pub(&["-t", "zero/theirs", "-q", "1", "-m", "to anonymous"]);
    let output = sub.finish(LIMIT);
    assert_ok(&output);
    assert_eq!(ours_printed(&output), "to anonymous\n");
}

fn persistent_session_queues_offline(ctx: &Ctx) {
    // Ours subscribes with a persistent session and leaves; mosquitto_pub publishes; ours resumes.
    let id = format!("ours-persistent-{:?}", ctx.via);
    let base = ["-c", "-i", id.as_str(), "-t", "offline/ours", "-q", "2"];
    let output = run(
        &mut ctx.ours("sub", ctx.version, &[&base[..], &["-E"]].concat()),
        None,
        LIMIT,
    );
    assert_ok(&output);
    ctx.their_pub(&["-t", "offline/ours", "-q", "1", "-m", "queued 1"]);
    ctx.their_pub(&["-t", "offline/ours", "-q", "2", "-m", "queued 2"]);
    let output = run(
        &mut ctx.ours(
            "sub",
            ctx.version,
            &[&base[..], &["-C", "2", "-d"]].concat(),
        ),
        None,
        LIMIT,
    );
    assert_ok(&output);
    assert_eq!(
        sorted_lines(&ours_printed(&output)),
        ["queued 1", "queued 2"]
    );
    assert!(
        output.stderr().contains("session present"),
        "{}",
        output.stderr()
    );

    // mosquitto_sub does the same while ours publishes.
    let id = format!("theirs-persistent-{:?}", ctx.via);
    let base = ["-c", "-i", id.as_str(), "-t", "offline/theirs", "-q", "2"];
    let output = run(
        &mut ctx.theirs("mosquitto_sub", ctx.version, &[&base[..], &["-E"]].concat()),
        None,
        LIMIT,
    );
    assert_ok(&output);
    ctx.our_pub(&["-t", "offline/theirs", "-q", "1", "-m", "queued 1"]);
    ctx.our_pub(&["-t", "offline/theirs", "-q", "2", "-m", "queued 2"]);
    let output = run(
        &mut ctx.theirs(
            "mosquitto_sub",
            ctx.version,
            &[&base[..], &["-C", "2"]].concat(),
        ),
        None,
        LIMIT,
    );
    assert_ok(&output);
    assert_eq!(sorted_lines(&output.stdout()), ["queued 1", "queued 2"]);
}

fn overlapping_subscriptions(ctx: &Ctx) {
    // Both subscribers hold the same two overlapping filters; they must print the same copies.
    let filters = ["-t", "over/#", "-t", "over/+", "-q", "1", "-v"];
    let ours = ctx.our_sub(&filters);
    let theirs = ctx.their_sub(&filters);
    ctx.their_pub(&["-t", "over/a", "-q", "1", "-m", "from theirs"]);
    ctx.our_pub(&["-t", "over/b", "-q", "1", "-m", "from ours"]);
    // Matches one filter only, and arrives after every copy of the two above.
    ctx.their_pub(&["-t", "over/end/x", "-q", "1", "-m", "sentinel"]);
    ours.wait_stdout("over/end/x sentinel", LIMIT);
    theirs.wait_stdout("over/end/x sentinel", LIMIT);
    let ours = ours.kill().stdout();
    let theirs = theirs.kill().messages();
    assert_eq!(ours, theirs);
    assert!(
        ours.contains("over/a from theirs\n") && ours.contains("over/b from ours\n"),
        "{ours}"
    );
}

fn keepalive(ctx: &Ctx) {
    // A 1 s keep alive: ours pings, the broker answers, and the connection outlives 1.5 x keep alive
    // (mosquitto's limit) to deliver a message published after 2.5 s.
    let sub = ctx.our_sub(&["-k", "1", "-t", "keepalive/ours", "-C", "1", "-q", "1"]);
    std::thread::sleep(Duration::from_millis(2500));
    ctx.their_pub(&["-t", "keepalive/ours", "-q", "1", "-m", "still here"]);
    let output = sub.finish(LIMIT);
    assert_ok(&output);
    assert_eq!(ours_printed(&output), "still here\n");
    let trace = output.stderr();
    assert!(trace.matches("sending PINGREQ").count() >= 2, "{trace}");
    assert!(trace.matches("received PINGRESP").count() >= 2, "{trace}");
    assert_eq!(trace.matches("sending CONNECT").count(), 1, "{trace}");

    // mosquitto_sub with a 1 s keep alive receives from ours after the same wait.
    let sub = ctx.their_sub(&["-k", "5", "-t", "keepalive/theirs", "-C", "1", "-q", "1"]);
    let output = ctx.our_pub(&[
        "-k",
        "1",
        "-t",
        "keepalive/theirs",
        "-q",
        "1",
        "-m",
        "hello",
        "-d",
    ]);
    assert!(
        output.stderr().contains("keep alive 1 s"),
        "{}",
        output.stderr()
    );
    assert_eq!(sub.finish(LIMIT).messages(), "hello\n");
}

fn large_payload(ctx: &Ctx) {
    // 100 KB, no newline inside, through stdin (-s) both ways.
    let payload: Vec<u8> = (0..100 * 1024).map(|i| b'a' + (i % 26) as u8).collect();
    let mut expected = payload.clone();
    expected.push(b'\n');

    let sub = ctx.their_sub(&["-t", "big/ours", "-C", "1", "-q", "1"]);
    ctx.our_pub_v(
        ctx.version,
        &["-t", "big/ours", "-q", "1", "-s"],
        Some(payload.clone()),
    );
    let output = sub.finish(LIMIT);
    assert_ok(&output);
    assert!(
        output.messages().as_bytes() == expected,
        "mosquitto_sub printed {} bytes",
        output.messages().len()
    );

    let sub = ctx.our_sub(&["-t", "big/theirs", "-C", "1", "-q", "2"]);
    ctx.their_pub_v(
        ctx.version,
        &["-t", "big/theirs", "-q", "2", "-s"],
        Some(payload),
    );
    let output = sub.finish(LIMIT);
    assert_ok(&output);
    assert!(
        output.stdout == expected,
        "ours printed {} bytes",
        output.stdout.len()
    );
}

fn across_versions(ctx: &Ctx) {
    let other = ctx.version.other();
    // Ours in our version -> mosquitto_sub in the other.
    let sub = ctx.their_sub_v(other, &["-t", "cross/ours", "-C", "2", "-q", "2", "-v"]);
    ctx.our_pub(&["-t", "cross/ours", "-q", "2", "-m", "q2"]);
    ctx.our_pub(&["-t", "cross/ours", "-q", "1", "-r", "-m", "q1 retained"]);
    let output = sub.finish(LIMIT);
    assert_ok(&output);
    // MQTT orders messages per QoS only (§4.6): a QoS 1 message may overtake a QoS 2 one.
    assert_eq!(
        sorted_lines(&output.messages()),
        ["cross/ours q1 retained", "cross/ours q2"]
    );

    // mosquitto_pub in the other version -> ours in our version.
    let sub = ctx.our_sub(&["-t", "cross/theirs", "-C", "2", "-q", "2", "-v"]);
    ctx.their_pub_v(other, &["-t", "cross/theirs", "-q", "2", "-m", "q2"], None);
    ctx.their_pub_v(other, &["-t", "cross/theirs", "-q", "1", "-m", "q1"], None);
    let output = sub.finish(LIMIT);
    assert_ok(&output);
    assert_eq!(
        sorted_lines(&ours_printed(&output)),
        ["cross/theirs q1", "cross/theirs q2"]
    );

    // And ours talking to ours across versions.
    let sub = ctx.our_sub_v(other, &["-t", "cross/both", "-C", "1", "-q", "2"]);
    ctx.our_pub(&["-t", "cross/both", "-q", "2", "-m", "ours to ours"]);
    assert_eq!(ours_printed(&sub.finish(LIMIT)), "ours to ours\n");
}

fn full_matrix(via: Via, version: Version) {
    let ctx = Ctx::new(via, version);
    ctx.scenario("QoS 0/1/2 both directions", qos_both_directions);
    ctx.scenario(
        "retained: set, replace, clear (empty retained)",
        retained_set_replace_clear,
    );
    ctx.scenario(
        "will on abnormal disconnect, none on clean",
        will_abnormal_but_not_clean,
    );
    ctx.scenario("zero-length client id", zero_length_client_id);
    ctx.scenario(
        "persistent session offline queueing",
        persistent_session_queues_offline,
    );
    ctx.scenario("overlapping subscriptions", overlapping_subscriptions);
    ctx.scenario("keepalive", keepalive);
    ctx.scenario("100 KB payload", large_payload);
    ctx.scenario("5.0 <-> 3.1.1 across versions", across_versions);
}

#[test]
fn tcp_mqtt_311() {
    full_matrix(Via::Tcp, Version::V311);
}

#[test]
fn tcp_mqtt_5() {
    full_matrix(Via::Tcp, Version::V5);
}

#[test]
fn websocket_mqtt_311() {
    full_matrix(Via::Ws, Version::V311);
}

#[test]
fn websocket_mqtt_5() {
    full_matrix(Via::Ws, Version::V5);
}
