//! Glue between the chip and `mqtt-client`: bring up the heap, the scheduler, WiFi and DHCP, and
//! hand the client a TCP connector (embassy-net, with DNS for a broker host name) and a clock
//! (embassy-time). Everything MQTT is in `mqtt-client`, host-tested against mosquitto.
//!
//! Chip-specific code is kept to the feature lists in Cargo.toml; nothing here names a chip.
#![no_std]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use core::net::{IpAddr, Ipv4Addr, SocketAddr};

use embassy_executor::Spawner;
use embassy_net::dns::{DnsQueryType, DnsSocket};
use embassy_net::tcp::client::{TcpClient, TcpClientState, TcpConnection};
use embassy_net::{Runner, Stack, StackResources};
use embassy_time::{Duration, Timer};
use embedded_nal_async::TcpConnect;
use esp_hal::clock::CpuClock;
use esp_hal::peripherals::Peripherals;
use esp_hal::rng::Rng;
use esp_hal::timer::timg::TimerGroup;
use esp_println::println;
use esp_radio::wifi::sta::StationConfig;
use esp_radio::wifi::{
    AuthenticationMethodConfig, Config, ControllerConfig, Interface, WifiController,
};
use mqtt_client::{Clock, Connect, Instant};
use static_cell::StaticCell;

/// Settings from the build environment (see build.rs and the README).
pub mod settings {
    /// The network to join.
    pub const WIFI_SSID: &str = env!("FW_WIFI_SSID");
    /// Its password (empty: an open network).
    pub const WIFI_PASSWORD: &str = env!("FW_WIFI_PASSWORD");
    /// Broker host name or IPv4 address.
    pub const MQTT_BROKER: &str = env!("FW_MQTT_BROKER");
    /// Broker port.
    pub const MQTT_PORT: &str = env!("FW_MQTT_PORT");
    /// Client id; empty for `esp32-<last 3 MAC bytes>`.
    pub const MQTT_CLIENT_ID: &str = env!("FW_MQTT_CLIENT_ID");
    /// `1` publishes our packets to `mqtt-playground/trace/<clientId>`.
    pub const MQTT_TRACE: &str = env!("FW_MQTT_TRACE");
    /// The sensor example's period.
    pub const SENSOR_PERIOD_S: &str = env!("FW_SENSOR_PERIOD_S");
}

/// TCP buffers: one connection at a time (a reconnect frees the old one first).
const TCP_BUFFER: usize = 2048;
type Tcp = TcpClient<'static, 1, TCP_BUFFER, TCP_BUFFER>;

/// What the programs get once the board is on the network.
pub struct Board {
    /// The network stack.
    pub stack: Stack<'static>,
    /// Our address from DHCP.
    pub ip: Ipv4Addr,
    /// The client id to use.
    pub client_id: String,
    /// The peripherals the network did not take (the sensor example uses the temperature sensor).
    pub rest: Rest,
}

/// Peripherals left for the programs.
pub struct Rest {
    /// The chip's own temperature sensor, where esp-hal has a driver for it.
    pub thermometer: Thermometer,
}

/// The one chip-specific piece: esp-hal drives the on-chip temperature sensor of the ESP32-C3 and
/// ESP32-C6 only. Elsewhere there is no reading (the sensor example then publishes its uptime).
pub struct Thermometer {
    #[cfg(any(feature = "esp32c3", feature = "esp32c6"))]
    sensor: esp_hal::tsens::TemperatureSensor<'static>,
}

impl Thermometer {
    /// The temperature in tenths of a degree Celsius, if this chip can tell.
    pub fn tenths_celsius(&self) -> Option<i32> {
        #[cfg(any(feature = "esp32c3", feature = "esp32c6"))]
        return Some((self.sensor.get_temperature().to_celsius() * 10.0) as i32);
        #[cfg(not(any(feature = "esp32c3", feature = "esp32c6")))]
        None
    }
}

macro_rules! make_static {
    ($t:ty, $val:expr) => {{
        static CELL: StaticCell<$t> = StaticCell::new();
        CELL.uninit().write($val)
    }};
}

/// Brings the board up: clocks, heap, scheduler, WiFi (joined and kept joined by a task), DHCP.
/// Returns once we have an address, having said each step on the serial log.
pub async fn start(spawner: Spawner) -> Board {
    let peripherals: Peripherals =
        esp_hal::init(esp_hal::Config::default().with_cpu_clock(CpuClock::max()));
    // WiFi needs a heap; the reclaimed RAM (the bootloader's) holds most of it.
    esp_alloc::heap_allocator!(#[esp_hal::ram(reclaimed)] size: 64 * 1024);
    esp_alloc::heap_allocator!(size: 36 * 1024);

    let timg0 = TimerGroup::new(peripherals.TIMG0);
    esp_rtos::start(timg0.timer0, peripherals.FROM_CPU_INTR0);
    println!("board: up, scheduler started");

    let password = settings::WIFI_PASSWORD;
    let authentication = if password.is_empty() {
        AuthenticationMethodConfig::Open
    } else {
        AuthenticationMethodConfig::Wpa2Personal(
            password
                .try_into()
                .expect("WIFI_PASSWORD is at most 64 bytes"),
        )
    };
    let station = Config::Station(
        StationConfig::default()
            .with_ssid(
                settings::WIFI_SSID
                    .try_into()
                    .expect("WIFI_SSID is at most 32 bytes"),
            )
            .with_authentication(authentication),
    );
    let interface = Interface::station();
    let mac = interface.mac_address();
    let controller = WifiController::new(
        peripherals.WIFI,
        ControllerConfig::default().with_initial_config(station),
    )
    .expect("the WiFi driver starts");

    let rng = Rng::new();
    let seed = u64::from(rng.random()) << 32 | u64::from(rng.random());
    let (stack, runner) = embassy_net::new(
        interface,
        embassy_net::Config::dhcpv4(Default::default()),
        make_static!(StackResources<3>, StackResources::<3>::new()),
        seed,
    );
    spawner.spawn(wifi_task(controller).expect("one WiFi task"));
    spawner.spawn(net_task(runner).expect("one network task"));

    println!("wifi: joining `{}`", settings::WIFI_SSID);
    stack.wait_config_up().await;
    let ip = stack
        .config_v4()
        .map(|config| config.address.address())
        .unwrap_or(Ipv4Addr::UNSPECIFIED);
    println!("wifi: up, IP address {ip}");

    let client_id = if settings::MQTT_CLIENT_ID.is_empty() {
        format!("esp32-{:02x}{:02x}{:02x}", mac[3], mac[4], mac[5])
    } else {
        String::from(settings::MQTT_CLIENT_ID)
    };
    Board {
        stack,
        ip,
        client_id,
        rest: Rest {
            thermometer: Thermometer {
                #[cfg(any(feature = "esp32c3", feature = "esp32c6"))]
                sensor: esp_hal::tsens::TemperatureSensor::new(
                    peripherals.TSENS,
                    esp_hal::tsens::Config::default(),
                )
                .expect("the temperature sensor starts"),
            },
        },
    }
}

/// Keeps the station joined: reconnects whenever the access point drops us.
#[embassy_executor::task]
async fn wifi_task(mut controller: WifiController<'static>) {
    loop {
        match controller.connect_async().await {
            Ok(_) => {
                println!("wifi: joined");
                let reason = controller.wait_for_disconnect_async().await;
                println!("wifi: dropped ({reason:?}); joining again");
            }
            Err(error) => println!("wifi: could not join: {error:?}; trying again in 5 s"),
        }
        Timer::after(Duration::from_secs(5)).await;
    }
}

#[embassy_executor::task]
async fn net_task(mut runner: Runner<'static, Interface>) {
    runner.run().await
}

/// Why a connection could not be opened.
pub enum ConnectError {
    Dns(embassy_net::dns::Error),
    NoAddress,
    Tcp(embassy_net::tcp::Error),
    Timeout,
}

/// Sentences for the serial log, written out rather than derived: Debug formatting of these types
/// costs the image more than the words do.
impl core::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ConnectError::Dns(embassy_net::dns::Error::InvalidName) => {
                "MQTT_BROKER is not a valid host name"
            }
            ConnectError::Dns(embassy_net::dns::Error::NameTooLong) => {
                "MQTT_BROKER is too long a host name"
            }
            ConnectError::Dns(embassy_net::dns::Error::Failed) => {
                "DNS lookup of MQTT_BROKER failed"
            }
            ConnectError::NoAddress => "DNS gave MQTT_BROKER no IPv4 address",
            ConnectError::Tcp(_) => "the broker reset the TCP connection (is it listening?)",
            ConnectError::Timeout => "no answer to the TCP connection within 10 s",
        })
    }
}

/// Opens a TCP connection to the broker (resolving its name each time, so a broker that moved is
/// found again), waiting for WiFi and DHCP first.
pub struct Connector {
    tcp: &'static Tcp,
    stack: Stack<'static>,
    host: &'static str,
    port: u16,
}

impl Connector {
    /// A connector for MQTT_BROKER:MQTT_PORT over `stack`.
    pub fn new(stack: Stack<'static>) -> Self {
        let state = make_static!(
            TcpClientState<1, TCP_BUFFER, TCP_BUFFER>,
            TcpClientState::new()
        );
        let mut tcp = TcpClient::new(stack, state);
        // A dead link is found by keep alive; this only bounds a silence far longer than it.
        tcp.set_timeout(Some(Duration::from_secs(180)));
        Connector {
            tcp: make_static!(Tcp, tcp),
            stack,
            host: settings::MQTT_BROKER,
            port: settings::MQTT_PORT.parse().unwrap_or(1883),
        }
    }

    async fn resolve(&self) -> Result<Ipv4Addr, ConnectError> {
        if let Ok(address) = self.host.parse::<Ipv4Addr>() {
            return Ok(address);
        }
        let addresses = DnsSocket::new(self.stack)
            .query(self.host, DnsQueryType::A)
            .await
            .map_err(ConnectError::Dns)?;
        match addresses.first() {
            Some(embassy_net::IpAddress::Ipv4(address)) => Ok(*address),
            #[allow(unreachable_patterns)]
            _ => Err(ConnectError::NoAddress),
        }
    }
}

impl Connect for Connector {
    type Connection = TcpConnection<'static, 1, TCP_BUFFER, TCP_BUFFER>;
    type Error = ConnectError;

    async fn connect(&mut self) -> Result<Self::Connection, Self::Error> {
        self.stack.wait_config_up().await;
        let ip = self.resolve().await?;
        // The IPv4 address alone: SocketAddr's and IpAddr's Display would link IPv6 formatting too.
        println!("mqtt: TCP to {}:{} ({ip})", self.host, self.port);
        let address = SocketAddr::new(IpAddr::V4(ip), self.port);
        let tcp: &'static Tcp = self.tcp;
        match embassy_time::with_timeout(Duration::from_secs(10), tcp.connect(address)).await {
            Ok(Ok(connection)) => Ok(connection),
            Ok(Err(error)) => Err(ConnectError::Tcp(error)),
            Err(_) => Err(ConnectError::Timeout),
        }
    }
}

/// embassy-time as the client's clock: milliseconds since boot.
pub struct EmbassyClock;

impl Clock for EmbassyClock {
    fn now(&self) -> Instant {
        embassy_time::Instant::now().as_millis()
    }

    async fn sleep_until(&self, at: Instant) {
        Timer::at(embassy_time::Instant::from_millis(at)).await
    }
}

/// The client's configuration from the build environment: persistent session, 60 s keep alive,
/// reconnect for ever, trace if MQTT_TRACE=1.
pub fn client_config(client_id: &str) -> mqtt_client::Config {
    mqtt_client::Config::new(client_id).with_trace(settings::MQTT_TRACE == "1")
}

/// The client, with every notice on the serial log.
pub fn client(
    stack: Stack<'static>,
    client_id: &str,
) -> mqtt_client::Client<Connector, EmbassyClock> {
    let mut client = mqtt_client::Client::new(
        client_config(client_id),
        Connector::new(stack),
        EmbassyClock,
    )
    // Display, not `expect`: a derived Debug of every error type would cost the image kilobytes.
    .unwrap_or_else(|error| panic!("invalid MQTT options: {error}"));
    client.set_observer(|notice| println!("{notice}"));
    println!(
        "mqtt: client id `{}`, broker {}:{}{}",
        client_id,
        settings::MQTT_BROKER,
        settings::MQTT_PORT,
        if settings::MQTT_TRACE == "1" {
            ", tracing to mqtt-playground/trace/<clientId>"
        } else {
            ""
        }
    );
    client
}
