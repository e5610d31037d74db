//! `customer-users-server`: the team server. It serves the desktops of the team's admins over
//! HTTP, on an embedded SQLite file by default, and manages the admin accounts they sign in
//! with.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use customer_users_server::error::ServerError;
use customer_users_server::image::Images;
use customer_users_server::store::{PgStore, SqliteStore, Store};
use customer_users_server::{admins, auth, http};

#[derive(Parser)]
#[command(name = "customer-users-server", version, about)]
struct Cli {
    /// The server's SQLite database file (created when missing).
    #[arg(
        long,
        env = "CUSTOMER_USERS_SERVER_DB",
        default_value = "customer-users-server.sqlite3",
        global = true
    )]
    db: PathBuf,
    /// A PostgreSQL database instead of the SQLite file: `postgres://user@host:port/db`.
    /// Several server processes may share it.
    #[arg(long, env = "CUSTOMER_USERS_SERVER_DATABASE", global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
    /// Where to listen when serving.
    #[arg(long, default_value = "127.0.0.1:8750", global = true)]
    listen: String,
    /// How long an access token lasts, in seconds (desktops refresh it on their own).
    #[arg(long, default_value_t = 900, global = true)]
    access_ttl_secs: i64,
    /// The folder of the team's store images, which new desktops start from; by default
    /// beside the SQLite file (`DB.images`), or `customer-users-server.images` with
    /// PostgreSQL.
    #[arg(long, env = "CUSTOMER_USERS_SERVER_IMAGES", global = true)]
    images: Option<PathBuf>,
    /// How often, in seconds, `serve` looks whether the team changed since its newest
    /// image and builds a new one (in a child process); 0 never does.
    #[arg(long, default_value_t = 600, global = true)]
    image_every_secs: u64,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the team's desktops (what the server does without a command).
    Serve,
    /// The admin accounts the team's desktops sign in with.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Forget records deleted more than DAYS ago; a desktop that has not synced since starts
    /// again from the team's data at its next sync.
    Purge {
        #[arg(long, default_value_t = customer_users_server::sync::TOMBSTONE_DAYS)]
        older_than_days: i64,
    },
    /// The team's store image, which a new desktop downloads instead of the records.
    #[command(subcommand)]
    Image(ImageCommand),
}

#[derive(Subcommand)]
enum ImageCommand {
    /// Build an image of the team's records now; prints its description.
    Build,
    /// The newest image's description, or null.
    Show,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Add an admin; the password is read from stdin.
    Add { email: String },
    /// Every admin, as JSON.
    List,
    /// Disable an admin: their desktops can no longer sign in or sync.
    Disable { email: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CUSTOMER_USERS_SERVER_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: &Cli) -> Result<(), ServerError> {
    let store: Arc<dyn Store> = match &cli.database {
        Some(url) => Arc::new(PgStore::open(url)?),
        None => Arc::new(SqliteStore::open(&cli.db)?),
    };
    let images = Images::new(cli.images.clone().unwrap_or_else(|| match &cli.database {
        Some(_) => PathBuf::from("customer-users-server.images"),
        None => {
            let mut dir = cli.db.clone().into_os_string();
            dir.push(".images");
            dir.into()
        }
    }));
    match &cli.command {
        None | Some(Command::Serve) => {
            let policy = auth::Policy {
                access_ttl_ms: cli.access_ttl_secs.max(1) * 1000,
                ..auth::Policy::default()
            };
            let rebuilds = (cli.image_every_secs > 0).then(|| {
                image_rebuilds::start(
                    store.clone(),
                    images.clone(),
                    std::time::Duration::from_secs(cli.image_every_secs),
                    cli,
                )
            });
            let served = serve(store, policy, images, &cli.listen);
            if let Some(rebuilds) = rebuilds {
                rebuilds.stop();
            }
            served
        }
        Some(Command::Image(ImageCommand::Build)) => print_json(&images.build(store.as_ref())?),
        Some(Command::Image(ImageCommand::Show)) => {
            print_json(&images.latest().map(|(info, _)| info))
        }
        Some(Command::Admin(AdminCommand::Add { email })) => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| ServerError::invalid("password", format!("Cannot read stdin: {e}")))?;
            let admin = admins::add(
                store.as_ref(),
                email,
                password.trim_end_matches(['\r', '\n']),
            )?;
            print_json(&admin)
        }
        Some(Command::Admin(AdminCommand::List)) => print_json(&store.admins()?),
        Some(Command::Purge { older_than_days }) => {
            let before =
                chrono::Utc::now().timestamp_millis() - older_than_days * 24 * 60 * 60 * 1000;
            print_json(&serde_json::json!({"purged": store.purge(before)?}))
        }
        Some(Command::Admin(AdminCommand::Disable { email })) => {
            print_json(&store.disable_admin(email)?)
        }
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), ServerError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| ServerError::Storage(format!("Cannot write the answer: {e}")))?;
    println!("{text}");
    Ok(())
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests under way (so every write the
/// server acknowledged is committed) and closes the store.
fn serve(
    store: Arc<dyn Store>,
    policy: auth::Policy,
    images: Images,
    listen: &str,
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| ServerError::Storage(format!("Cannot start the server: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
            ServerError::invalid("listen", format!("Cannot listen on {listen}: {e}"))
        })?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServerError::invalid("listen", e.to_string()))?;
        tracing::info!(store = store.kind(), "listening on {addr}");
        axum::serve(listener, http::router(store, policy, images))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| ServerError::Storage(format!("The server stopped: {e}")))?;
        tracing::info!("stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM can be listened for");
    tokio::select! {
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    tracing::info!("shutting down: finishing the requests under way");
}

/// `serve`'s background builds of the store image: each in a child process, so its memory
/// and its work are apart from the requests', and stopped with the server.
mod image_rebuilds {
    use std::process::{Command, Stdio};
    use std::sync::mpsc::{self, RecvTimeoutError};
    use std::sync::Arc;
    use std::thread::JoinHandle;
    use std::time::Duration;

    use super::{Cli, Images, Store};

    /// The builds' thread; it ends, killing a build under way, once told to stop.
    pub struct Rebuilds {
        stop: mpsc::Sender<()>,
        thread: JoinHandle<()>,
    }

    impl Rebuilds {
        pub fn stop(self) {
            drop(self.stop);
            let _ = self.thread.join();
        }
    }

    /// Whether the team has a record the newest image lacks.
    fn changed(store: &dyn Store, images: &Images) -> bool {
        let since = images.latest().map_or(0, |(info, _)| info.version);
        store.pull(since, 1).is_ok_and(|page| !page.rows.is_empty())
    }

    fn build_command(cli: &Cli, images: &Images) -> std::io::Result<Command> {
        let mut command = Command::new(std::env::current_exe()?);
        command
            .args(["image", "build", "--db"])
            .arg(&cli.db)
            .arg("--images")
            .arg(images.dir())
            .stdout(Stdio::null());
        // The address, password included, goes by the environment, not the command line
        // other users can read.
        if let Some(url) = &cli.database {
            command.env("CUSTOMER_USERS_SERVER_DATABASE", url);
        }
        Ok(command)
    }

    /// Whether the server is stopping, waiting at most `timeout` to hear it.
    fn stopping(stop: &mpsc::Receiver<()>, timeout: Duration) -> bool {
        !matches!(stop.recv_timeout(timeout), Err(RecvTimeoutError::Timeout))
    }

    /// Runs one build to its end, or kills it when the server stops; returns whether the
    /// server is stopping.
    fn build(command: &mut Command, stop: &mpsc::Receiver<()>) -> bool {
        tracing::info!("the team changed: building a new store image");
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => {
                tracing::error!("the store image build cannot start: {e}");
                return false;
            }
        };
        loop {
            if stopping(stop, Duration::from_millis(200)) {
                let _ = child.kill();
                let _ = child.wait();
                return true;
            }
            match child.try_wait() {
                Ok(Some(status)) => {
                    tracing::info!(%status, "the store image build ended");
                    return false;
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::error!("the store image build is lost: {e}");
                    return false;
                }
            }
        }
    }

    pub fn start(store: Arc<dyn Store>, images: Images, every: Duration, cli: &Cli) -> Rebuilds {
        let (stop, stopped) = mpsc::channel();
        let command = build_command(cli, &images);
        let thread = std::thread::spawn(move || {
            let mut command = match command {
                Ok(command) => command,
                Err(e) => return tracing::error!("store images cannot be built: {e}"),
            };
            loop {
                if changed(store.as_ref(), &images) && build(&mut command, &stopped) {
                    return;
                }
                if stopping(&stopped, every) {
                    return;
                }
            }
        });
        Rebuilds { stop, thread }
    }
}
