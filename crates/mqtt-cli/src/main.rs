//! `mqtt`: the command-line entry point. Everything but argument parsing and the exit status lives
//! in the library (`mqtt_cli`), where tests can reach it.

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;
use mqtt_cli::args::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // Help and version are successes; a bad command line exits 1 as mosquitto's clients do.
            return match error.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => ExitCode::SUCCESS,
                _ => ExitCode::from(1),
            };
        }
    };
    match mqtt_cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(error.exit_code())
        }
    }
}
