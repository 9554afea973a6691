//! The harness against a real mosquitto: up means up, stop means gone, a taken port is an error.

use super::*;

fn mosquitto() -> PathBuf {
    program("mosquitto").unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn every_listener_is_loopback_only_and_persistence_goes_to_the_scratch_directory() {
    let mut config = Config::new(PathBuf::from("/scratch"), 1883).websocket(9001);
    let text = config.text();
    assert!(
        text.contains("listener 1883 127.0.0.1\nsocket_domain ipv4\n"),
        "{text}"
    );
    assert!(
        text.contains("listener 9001 127.0.0.1\nprotocol websockets\nsocket_domain ipv4\n"),
        "{text}"
    );
    assert!(text.contains("persistence false\n"), "{text}");
    assert!(!text.contains("max_queued_messages"), "{text}");

    config.persistence = true;
    config.unlimited_queues = true;
    let text = config.text();
    assert!(
        text.contains("persistence true\npersistence_location /scratch/\n"),
        "{text}"
    );
    assert!(text.contains("autosave_interval 0\n"), "{text}");
    assert!(text.contains("max_queued_messages 0\n"), "{text}");
}

#[test]
fn a_started_broker_accepts_on_both_ports_and_is_gone_after_stop() {
    let scratch = TempDir::new("mosquitto-harness").expect("a scratch directory");
    let mut broker = Mosquitto::start_on_free_ports(
        &mosquitto(),
        || scratch.path().to_path_buf(),
        |dir, port, ws_port| Config::new(dir, port).websocket(ws_port),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let ws_port = broker.ws_port().expect("a WebSocket listener");
    for port in [broker.port(), ws_port] {
        assert!(
            TcpStream::connect(("127.0.0.1", port)).is_ok(),
            "port {port}"
        );
    }
    assert!(broker.log().contains(" running"), "{}", broker.log());
    assert!(broker.pid().is_some());

    broker.stop().unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(broker.pid(), None);
    assert!(TcpStream::connect(("127.0.0.1", broker.port())).is_err());
    // mosquitto logs its own exit on SIGTERM (a SIGKILL would leave no such line).
    assert!(broker.log().contains("terminating"), "{}", broker.log());
}

#[test]
fn a_port_another_process_holds_is_an_error_with_the_log_not_a_broker() {
    // The port accepts (this listener), so only mosquitto's own "running" line can tell.
    let taken = TcpListener::bind("127.0.0.1:0").expect("a loopback listener");
    let port = taken.local_addr().expect("its address").port();
    let scratch = TempDir::new("mosquitto-harness").expect("a scratch directory");
    let error = Mosquitto::start(
        &mosquitto(),
        Config::new(scratch.path().to_path_buf(), port),
    )
    .expect_err("mosquitto cannot listen on a port that is taken");
    assert!(error.contains("mosquitto exited"), "{error}");
    assert!(error.contains("Address already in use"), "{error}");
}
