//! A sensor: every SENSOR_PERIOD_S seconds, publish the chip's temperature (°C) to
//! `<clientId>/temperature` at QoS 2 with retain (exactly once, and the last reading waits for new
//! subscribers), and obey commands on `<clientId>/cmd`:
//!
//! * `period <seconds>` — change the period;
//! * `ping` — answer `pong` on `<clientId>/status`.
//!
//! The session is persistent: readings published while the broker is away are delivered when it
//! is back, and the command subscription survives reconnects.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use esp_backtrace as _;
use esp_println::println;
use mqtt_client::QoS;

esp_bootloader_esp_idf::esp_app_desc!();

#[esp_hal::main]
async fn main(spawner: embassy_executor::Spawner) -> ! {
    let board = firmware::start(spawner).await;
    let thermometer = board.rest.thermometer;
    let mut client = firmware::client(board.stack, &board.client_id);
    let id = &board.client_id;
    let (reading_topic, command_topic, status_topic) = (
        format!("{id}/temperature"),
        format!("{id}/cmd"),
        format!("{id}/status"),
    );
    let mut period_ms: u64 = firmware::settings::SENSOR_PERIOD_S.parse().unwrap_or(10) * 1000;

    loop {
        match client.connect().await {
            Ok(_) => break,
            Err(error) => {
                println!("sensor: {error}; trying again in 10 s");
                embassy_time::Timer::after_secs(10).await;
            }
        }
    }
    match client.subscribe(&command_topic, QoS::ExactlyOnce).await {
        Ok(qos) => println!("sensor: listening on {command_topic} (QoS {})", qos.level()),
        Err(error) => println!("sensor: cannot subscribe to {command_topic}: {error}"),
    }

    let mut next = client.now();
    loop {
        if client.now() >= next {
            next = client.now() + period_ms;
            // Tenths of a degree as integers: float formatting would add ~20 KB to the image.
            let reading = match thermometer.tenths_celsius() {
                Some(tenths) => {
                    let sign = if tenths < 0 { "-" } else { "" };
                    format!("{sign}{}.{}", tenths.abs() / 10, tenths.abs() % 10)
                }
                // A chip without a temperature driver: publish the uptime instead.
                None => format!("uptime {} s", client.now() / 1000),
            };
            match client
                .publish(&reading_topic, reading.as_bytes(), QoS::ExactlyOnce, true)
                .await
            {
                Ok(()) => println!("sensor: `{reading}` delivered to {reading_topic}"),
                Err(error) => println!("sensor: publish failed: {error}"),
            }
        }
        // Until the next reading: keep alive, reconnect, and take commands.
        let message = match client.recv_until(Some(next)).await {
            Ok(Some(message)) => message,
            Ok(None) => continue,
            Err(error) => {
                println!("sensor: {error}");
                embassy_time::Timer::after_secs(1).await;
                continue;
            }
        };
        let command = core::str::from_utf8(&message.payload).unwrap_or("").trim();
        println!("sensor: command `{command}`");
        if command == "ping" {
            if let Err(error) = client
                .publish(&status_topic, b"pong", QoS::AtLeastOnce, false)
                .await
            {
                println!("sensor: cannot answer: {error}");
            }
        } else if let Some(seconds) = command.strip_prefix("period ") {
            match seconds.trim().parse::<u64>() {
                Ok(seconds) if seconds > 0 => {
                    period_ms = seconds * 1000;
                    next = client.now() + period_ms;
                    println!("sensor: period is now {seconds} s");
                }
                _ => println!("sensor: `{seconds}` is not a number of seconds"),
            }
        } else {
            println!("sensor: unknown command (try `ping` or `period 5`)");
        }
    }
}
