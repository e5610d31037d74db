// Keep a console window away from release builds on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

//! The Customer Users desktop shell: resolves the database, opens it, seeds the demo data on a
//! first launch, sets up logging and shows the main window. The commands live in `commands.rs`.

mod commands;
mod delivery;
mod syncer;

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use tauri::Manager;
use tracing_subscriber::filter::{filter_fn, EnvFilter};
use tracing_subscriber::prelude::*;

/// Environment variable naming the database file when `--db` is not given.
const DB_ENV: &str = "CUSTOMER_USERS_DB";
/// Environment variable holding the log filter (`tracing_subscriber::EnvFilter` syntax).
const LOG_ENV: &str = "CUSTOMER_USERS_LOG";
const DEFAULT_LOG_FILTER: &str = "info";
const DB_FILE_NAME: &str = "customer-users.sqlite3";
const LOG_FILE_NAME: &str = "customer-users.log";
/// A log file larger than this is moved to `customer-users.log.1` at start.
const LOG_ROTATE_BYTES: u64 = 10 * 1024 * 1024;
/// Target of fatal start-up errors: printed plainly on stderr, so kept off the stderr log layer.
const FATAL_TARGET: &str = "customer_users_desktop::fatal";

const USAGE: &str = "\
Customer Users: desktop administration of a B2B storefront's customer users.

Usage: customer-users-desktop [--db PATH] [--as USERNAME]

Options:
  --db PATH       Use this SQLite database file (created when missing)
  --as USERNAME   Act as this back-office user (otherwise the one last chosen for
                  this database, or the window asks on first launch)
  -h, --help      Print this help
  -V, --version   Print the version

Environment:
  CUSTOMER_USERS_DB   database file when --db is not given
                      (default: <app data dir>/customer-users.sqlite3, on Linux
                      ~/.local/share/org.customerusers.desktop/customer-users.sqlite3)
  CUSTOMER_USERS_LOG  log filter, default \"info\" (e.g. \"debug\", \"info,cu_core=trace\");
                      the log goes to stderr and <app log dir>/customer-users.log
";

#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    db: Option<PathBuf>,
    admin: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
enum Cli {
    Run(Options),
    Help,
    Version,
}

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Cli, String> {
    let mut options = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else {
            return Err(format!("unexpected argument {arg:?}"));
        };
        match text {
            "-h" | "--help" => return Ok(Cli::Help),
            "-V" | "--version" => return Ok(Cli::Version),
            "--db" => {
                let value = args.next().ok_or("--db needs a PATH")?;
                options.db = Some(non_empty_path(value)?);
            }
            "--as" => {
                let value = args.next().ok_or("--as needs a USERNAME")?;
                options.admin = Some(
                    value
                        .into_string()
                        .map_err(|v| format!("unexpected username {v:?}"))?,
                );
            }
            _ => match text.strip_prefix("--db=") {
                Some(value) => options.db = Some(non_empty_path(value.into())?),
                None => return Err(format!("unexpected argument '{text}'")),
            },
        }
    }
    Ok(Cli::Run(options))
}

fn non_empty_path(value: OsString) -> Result<PathBuf, String> {
    if value.is_empty() {
        Err("--db needs a non-empty PATH".into())
    } else {
        Ok(PathBuf::from(value))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DbSource {
    CommandLine,
    Environment,
    Default,
}

impl DbSource {
    fn describe(self) -> &'static str {
        match self {
            DbSource::CommandLine => "--db",
            DbSource::Environment => DB_ENV,
            DbSource::Default => "default location",
        }
    }
}

/// `--db`, else `CUSTOMER_USERS_DB` (when non-empty), else `<app data dir>/customer-users.sqlite3`
/// (the directory is created). Relative paths are made absolute against the working directory.
fn resolve_db_path(
    cli: Option<PathBuf>,
    env: Option<OsString>,
    app_data_dir: impl FnOnce() -> Result<PathBuf, String>,
) -> Result<(PathBuf, DbSource), String> {
    let (path, source) = if let Some(path) = cli {
        (path, DbSource::CommandLine)
    } else if let Some(path) = env.filter(|value| !value.is_empty()) {
        (PathBuf::from(path), DbSource::Environment)
    } else {
        let dir = app_data_dir()?;
        fs::create_dir_all(&dir)
            .map_err(|e| format!("could not create the data directory {}: {e}", dir.display()))?;
        (dir.join(DB_FILE_NAME), DbSource::Default)
    };
    let path = std::path::absolute(&path).map_err(|e| {
        format!(
            "could not resolve the database path {}: {e}",
            path.display()
        )
    })?;
    Ok((path, source))
}

/// Sets up logging to stderr and, when possible, to `<log_dir>/customer-users.log`.
/// Returns the log file's path, or the reason there is none (logged as a warning by the caller).
fn init_logging(log_dir: Result<PathBuf, String>) -> (Result<PathBuf, String>, Option<String>) {
    let spec = std::env::var(LOG_ENV)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_LOG_FILTER.to_string());
    let (filter, bad_filter) = match EnvFilter::try_new(&spec) {
        Ok(filter) => (filter, None),
        Err(e) => (
            EnvFilter::new(DEFAULT_LOG_FILTER),
            Some(format!(
                "ignoring {LOG_ENV}={spec:?} ({e}); logging at {DEFAULT_LOG_FILTER}"
            )),
        ),
    };

    let log_file = log_dir.and_then(|dir| open_log_file(&dir));
    let file_layer = log_file.as_ref().ok().map(|(_, file)| {
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(Arc::clone(file))
    });
    let stderr_layer = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .with_filter(filter_fn(|meta| meta.target() != FATAL_TARGET));

    // `try_init` also routes the `log` records of tauri and wry into tracing.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stderr_layer)
        .with(file_layer)
        .try_init();

    (log_file.map(|(path, _)| path), bad_filter)
}

fn open_log_file(dir: &Path) -> Result<(PathBuf, Arc<File>), String> {
    fs::create_dir_all(dir)
        .map_err(|e| format!("could not create the log directory {}: {e}", dir.display()))?;
    let path = dir.join(LOG_FILE_NAME);
    if fs::metadata(&path).is_ok_and(|meta| meta.len() > LOG_ROTATE_BYTES) {
        let _ = fs::rename(&path, dir.join(format!("{LOG_FILE_NAME}.1")));
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("could not open the log file {}: {e}", path.display()))?;
    Ok((path, Arc::new(file)))
}

/// A start-up failure: a plain sentence on stderr and an error in the log file.
fn fatal(message: &str) -> ExitCode {
    tracing::error!(target: FATAL_TARGET, "{message}");
    eprintln!("customer-users-desktop: error: {message}");
    ExitCode::FAILURE
}

/// WebKitGTK settings for a forms-and-grids window, each unless the environment already says
/// otherwise. Measured at 1M users (docs/benchmarks.md): without them the window and its
/// WebKit processes take ~400 MB and first show the grid after ~1.6 s; with them ~260 MB
/// and ~1.1 s. Read by WebKit when it starts, so set before any thread exists.
#[cfg(target_os = "linux")]
fn tune_webkit() {
    for (name, value) in [
        // No GPU compositing: nothing here animates in 3D, and its buffers cost ~100 MB.
        ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
        // Paint on the CPU: on a software GL stack (no GPU, VMs) the first paint is faster.
        ("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1"),
        // JavaScript interpreted: the UI's scripts are light, the JIT's code and data are not.
        ("JSC_useJIT", "0"),
    ] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
}

/// The core allocates a few small strings per cell and per field; mimalloc makes a
/// million-row check or import ~8 % faster than the system allocator (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let launched = std::time::Instant::now();
    #[cfg(target_os = "linux")]
    tune_webkit();
    let options = match parse_args(std::env::args_os().skip(1)) {
        Ok(Cli::Run(options)) => options,
        Ok(Cli::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Cli::Version) => {
            println!("customer-users-desktop {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("customer-users-desktop: error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return fatal(
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set. Start the app from a \
             desktop session, or under a virtual display: xvfb-run -a customer-users-desktop",
        );
    }

    let app = match tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!())
    {
        Ok(app) => app,
        Err(e) => {
            return fatal(&format!(
                "could not start the application window system: {e}"
            ))
        }
    };

    let (log_file, bad_filter) = init_logging(app.path().app_log_dir().map_err(|e| e.to_string()));
    let default_panic_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(target: FATAL_TARGET, "panic: {info}");
        default_panic_hook(info);
    }));

    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        pid = std::process::id(),
        "Customer Users starting"
    );
    match &log_file {
        Ok(path) => tracing::info!("log file: {}", path.display()),
        Err(reason) => tracing::warn!("logging to stderr only: {reason}"),
    }
    if let Some(warning) = bad_filter {
        tracing::warn!("{warning}");
    }

    let app_data_dir = || app.path().app_data_dir().map_err(|e| e.to_string());
    let (db_path, source) =
        match resolve_db_path(options.db, std::env::var_os(DB_ENV), app_data_dir) {
            Ok(resolved) => resolved,
            Err(message) => return fatal(&format!("could not choose a database file: {message}")),
        };
    tracing::info!(
        "database: {} (from {})",
        db_path.display(),
        source.describe()
    );

    let db = match cu_core::Database::open(&db_path) {
        Ok(db) => db,
        Err(e) => {
            return fatal(&format!(
                "could not open the database {}: {e}. Check that the file is a Customer Users \
                 database and that you may write to it and its folder, or choose another file \
                 with --db PATH or {DB_ENV}.",
                db_path.display()
            ))
        }
    };
    if db.is_read_only() {
        tracing::warn!(
            "{} is read-only: the window shows it, exports it and its history, and changes nothing",
            db_path.display()
        );
    }
    match cu_core::demo::seed_demo_if_empty(&db) {
        Ok(true) => tracing::info!("the database was empty: seeded the demo data"),
        Ok(false) => tracing::debug!("the database holds data: no demo data seeded"),
        Err(e) => {
            return fatal(&format!(
                "could not seed the demo data into {}: {e}",
                db_path.display()
            ))
        }
    }
    if let Some(admin) = &options.admin {
        if let Err(e) = cu_core::back_office::set_current_admin(&db, admin) {
            return fatal(&format!("cannot act as {admin}: {e}"));
        }
    }
    match cu_core::account::expire_passwords(&db) {
        Ok(0) => {}
        Ok(n) => tracing::info!("{n} passwords passed the maximum age: marked Expired"),
        Err(e) => tracing::warn!("could not check password ages: {e}"),
    }
    let db = Arc::new(db);
    let deliverer = delivery::Deliverer::start(db.clone());
    deliverer.wake();
    let syncer = syncer::Syncer::start(db.clone());
    app.manage(commands::AppState {
        db,
        launched,
        deliverer,
        syncer,
        export_cancel: Default::default(),
        import_cancel: Default::default(),
    });

    let code = app.run_return(|_, event| {
        if let tauri::RunEvent::Exit = event {
            tracing::info!("Customer Users exiting");
        }
    });
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn parses_db_in_both_forms() {
        let expected = Cli::Run(Options {
            db: Some(PathBuf::from("/tmp/a.sqlite3")),
            ..Options::default()
        });
        assert_eq!(parse_args(args(&["--db", "/tmp/a.sqlite3"])), Ok(expected));
        let expected = Cli::Run(Options {
            db: Some(PathBuf::from("b.sqlite3")),
            ..Options::default()
        });
        assert_eq!(parse_args(args(&["--db=b.sqlite3"])), Ok(expected));
        let expected = Cli::Run(Options {
            admin: Some("ann.rivera".into()),
            ..Options::default()
        });
        assert_eq!(parse_args(args(&["--as", "ann.rivera"])), Ok(expected));
        assert_eq!(parse_args(args(&[])), Ok(Cli::Run(Options::default())));
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse_args(args(&["--db"])).is_err());
        assert!(parse_args(args(&["--db="])).is_err());
        assert!(parse_args(args(&["--as"])).is_err());
        assert!(parse_args(args(&["--bogus"])).is_err());
        assert_eq!(parse_args(args(&["--help", "--bogus"])), Ok(Cli::Help));
        assert_eq!(parse_args(args(&["-V"])), Ok(Cli::Version));
    }

    #[test]
    fn db_path_prefers_cli_then_env_then_default() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let scratch =
            std::env::temp_dir().join(format!("cu-desktop-test-{}-{nanos}", std::process::id()));
        let data_dir = scratch.join("data");
        let default = || Ok(data_dir.clone());

        let (path, source) = resolve_db_path(
            Some("/x/cli.sqlite3".into()),
            Some("/x/env.sqlite3".into()),
            default,
        )
        .unwrap();
        assert_eq!(
            (path, source),
            (PathBuf::from("/x/cli.sqlite3"), DbSource::CommandLine)
        );

        let (path, source) = resolve_db_path(None, Some("/x/env.sqlite3".into()), default).unwrap();
        assert_eq!(
            (path, source),
            (PathBuf::from("/x/env.sqlite3"), DbSource::Environment)
        );

        let (path, source) = resolve_db_path(None, Some("".into()), default).unwrap();
        assert_eq!(
            (path, source),
            (data_dir.join(DB_FILE_NAME), DbSource::Default)
        );
        assert!(data_dir.is_dir(), "the default data directory is created");
        fs::remove_dir_all(&scratch).unwrap();
    }

    #[test]
    fn relative_db_paths_become_absolute() {
        let (path, _) =
            resolve_db_path(Some("rel.sqlite3".into()), None, || Err("unused".into())).unwrap();
        assert!(path.is_absolute());
        assert!(path.ends_with("rel.sqlite3"));
    }

    #[test]
    fn default_location_errors_are_reported() {
        let err = resolve_db_path(None, None, || Err("no home".into())).unwrap_err();
        assert_eq!(err, "no home");
    }
}
