//! The command line without a broker: help is complete, and arguments that cannot work are refused
//! before connecting, with mosquitto's words and exit status 1.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{mqtt_bin, run, Output};

fn mqtt(args: &[&str]) -> Output {
    run(
        Command::new(mqtt_bin()).args(args),
        None,
        Duration::from_secs(10),
    )
}

#[track_caller]
fn assert_flags(help: &str, flags: &[&str]) {
    for flag in flags {
        assert!(help.contains(flag), "help lacks {flag}:\n{help}");
    }
}

const SHARED: &[&str] = &[
    "-h, --host",
    "-p, --port",
    "-L, --url",
    "mqtt://",
    "ws://",
    "-i, --id",
    "-k, --keepalive",
    "-u, --username",
    "-P, --pw",
    "-q, --qos",
    "-V, --protocol-version",
    "-c, --disable-clean-session",
    "-x, --session-expiry-interval",
    "--will-topic",
    "--will-payload",
    "--will-qos",
    "--will-retain",
    "-d, --debug",
    "--help",
];

#[test]
fn help_lists_every_flag() {
    let top = mqtt(&["--help"]);
    assert_eq!(top.code(), Some(0));
    assert_flags(&top.stdout(), &["pub", "sub", "Exit status"]);

    let publish = mqtt(&["pub", "--help"]);
    assert_eq!(publish.code(), Some(0));
    assert_flags(&publish.stdout(), SHARED);
    assert_flags(
        &publish.stdout(),
        &[
            "-t, --topic",
            "-m, --message",
            "-n, --null-message",
            "-f, --file",
            "-s, --stdin-file",
            "-l, --stdin-line",
            "-r, --retain",
            "at least once",
        ],
    );

    let subscribe = mqtt(&["sub", "--help"]);
    assert_eq!(subscribe.code(), Some(0));
    assert_flags(&subscribe.stdout(), SHARED);
    assert_flags(
        &subscribe.stdout(),
        &["-t, --topic", "-v, --verbose", "-C", "-W", "-N", "-E"],
    );
}

#[track_caller]
fn refused(args: &[&str], stderr: &str) {
    let output = mqtt(args);
    assert_eq!(output.code(), Some(1), "{}", output.stderr());
    assert!(
        output.stderr().contains(stderr),
        "stderr {:?} should contain {stderr:?}",
        output.stderr()
    );
}

#[test]
fn impossible_arguments_are_refused_before_connecting() {
    // Port 1 would be refused: every case here must fail before any connection attempt.
    let port = ["-p", "1"];
    refused(
        &[&["pub", "-t", "a/#", "-m", "x"], &port[..]].concat(),
        "Error: Invalid publish topic 'a/#', does it contain '+' or '#'?",
    );
    refused(
        &[&["sub", "-t", "a/#/b"], &port[..]].concat(),
        "are all '+' and '#' wildcards correct?",
    );
    refused(
        &[&["sub"], &port[..]].concat(),
        "You must specify a topic to subscribe to.",
    );
    refused(
        &[&["pub", "-c", "-t", "t", "-m", "x"], &port[..]].concat(),
        "You must provide a client id if you are using the -c option.",
    );
    refused(
        &[&["pub", "-V", "5", "-c", "-t", "t", "-m", "x"], &port[..]].concat(),
        "infinite session expiry interval",
    );
    refused(
        &[
            &["pub", "-x", "60", "-i", "a", "-t", "t", "-m", "x"],
            &port[..],
        ]
        .concat(),
        "needs MQTT 5.0",
    );
    // 3.1.1 allows an empty client id only with a clean session (MQTT-3.1.3-7).
    refused(
        &[&["pub", "-c", "-i", "", "-t", "t", "-m", "x"], &port[..]].concat(),
        "Error: ",
    );
    refused(&["pub", "-t", "t"], "required arguments were not provided");
    refused(&["pub", "-t", "t", "-m", "x", "-n"], "cannot be used with");
    refused(
        &["pub", "-V", "31", "-t", "t", "-m", "x"],
        "MQTT 3.1 is not supported",
    );
    refused(&["pub", "-q", "3", "-t", "t", "-m", "x"], "-q");
    refused(
        &["pub", "-L", "mqtt://127.0.0.1:1", "-m", "x"],
        "Invalid URL for -L argument specified - topic missing.",
    );
    refused(&["sub", "-L", "http://x/t"], "unsupported URL scheme.");
    refused(
        &["sub", "-L", "mqtt://h/t", "-p", "1"],
        "cannot be used with",
    );
}
