//! The course's first example, done right: join WiFi, print the IP address, **connect**, then
//! publish the address to `<clientId>/ip` (retained, QoS 1, so the playground shows it even if it
//! subscribes later). Then stay connected (keep alive), publishing it again after each reconnect
//! in case DHCP gave us a new one.
#![no_std]
#![no_main]

use alloc::format;
use esp_backtrace as _;
use esp_println::println;
use mqtt_client::QoS;

extern crate alloc;

esp_bootloader_esp_idf::esp_app_desc!();

#[esp_hal::main]
async fn main(spawner: embassy_executor::Spawner) -> ! {
    let board = firmware::start(spawner).await;
    println!("ip: my address is {}", board.ip);
    let mut client = firmware::client(board.stack, &board.client_id);
    let topic = format!("{}/ip", board.client_id);

    let mut connections = 0;
    loop {
        // First connect (retrying with backoff until the broker answers) ...
        if let Err(error) = client.connect().await {
            println!("ip: {error}; trying again in 10 s");
            embassy_time::Timer::after_secs(10).await;
            continue;
        }
        // ... then publish: the order many copies of this example get wrong.
        if client.stats().connections != connections {
            connections = client.stats().connections;
            let ip = board
                .stack
                .config_v4()
                .map(|config| config.address.address())
                .unwrap_or(board.ip);
            match client
                .publish(&topic, format!("{ip}").as_bytes(), QoS::AtLeastOnce, true)
                .await
            {
                Ok(()) => println!("ip: published {ip} to {topic}"),
                Err(error) => println!("ip: publish failed: {error}"),
            }
        }
        // Idle: keep alive and reconnects happen in here; a minute at a time.
        let until = client.now() + 60_000;
        match client.recv_until(Some(until)).await {
            Ok(Some(message)) => println!("ip: message on {}", message.topic()),
            Ok(None) => {}
            Err(error) => println!("ip: {error}"),
        }
    }
}
