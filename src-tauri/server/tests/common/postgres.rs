//! A real PostgreSQL from Debian's package for a test: `initdb` in a temporary folder, a
//! random port on loopback, stopped and removed when the test ends (its guard drops, also
//! when it fails). As root (CI), the cluster runs as the `postgres` user, as PostgreSQL
//! requires.

use std::path::PathBuf;
use std::process::Command;

pub struct Cluster {
    _dir: tempfile::TempDir,
    data: PathBuf,
    bin: PathBuf,
    port: u16,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_owner(self.bin.join("pg_ctl"))
            .args(["stop", "-m", "immediate", "-D"])
            .arg(&self.data)
            .output();
    }
}

/// The newest installed PostgreSQL's programs.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed: `apt-get install postgresql` (scripts/install-deps.sh does)")
        .map(|e| e.unwrap().path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("no PostgreSQL with initdb under /usr/lib/postgresql")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `program`, run as the cluster's owner.
fn as_owner(program: PathBuf) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut command: Command, what: &str) {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts a cluster with an empty database `team`.
pub fn start() -> Cluster {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    if is_root() {
        run(
            {
                let mut c = Command::new("chown");
                c.args(["-R", "postgres:postgres"]).arg(dir.path());
                c
            },
            "chown",
        );
    }
    let bin = bin_dir();
    let mut init = as_owner(bin.join("initdb"));
    init.args(["-D"]).arg(&data).args([
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync",
    ]);
    run(init, "initdb");
    let port = free_port();
    let mut ctl = as_owner(bin.join("pg_ctl"));
    ctl.args(["start", "-w", "-D"])
        .arg(&data)
        .arg("-l")
        .arg(dir.path().join("log"))
        .arg("-o")
        .arg(format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            dir.path().display()
        ));
    run(ctl, "pg_ctl start");
    let mut create = Command::new(bin.join("createdb"));
    create.args([
        "-h",
        "127.0.0.1",
        "-p",
        &port.to_string(),
        "-U",
        "postgres",
        "team",
    ]);
    run(create, "createdb");
    Cluster {
        _dir: dir,
        data,
        bin,
        port,
    }
}

impl Cluster {
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/team", self.port)
    }
}
