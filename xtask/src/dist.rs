//! `cargo xtask dist`: what users install, built once from one release build.
//!
//! 1. `cargo build --release` of `presence-server` and `presencectl`, copied (stripped) into
//!    `target/dist/bin/`;
//! 2. the wheel `target/dist/presence_emulator-VERSION-py3-none-PLATFORM.whl`, assembled from
//!    those binaries by `packaging/python/build_wheel.py` (not maturin: maturin would compile
//!    the server a second time, and CI's two cores make that the slowest step);
//! 3. the npm tarball `target/dist/presence-emulator-VERSION.tgz` (`npm pack` of
//!    `packaging/npm/` with the binaries in `bin/`);
//! 4. with `--image` (and podman present), the container image `localhost/presence:VERSION`
//!    from the `Containerfile`, which copies the binaries of step 1 in (no Rust toolchain in
//!    the image, no second compile). No image registry is reachable from these machines, so
//!    the base is made locally from Debian's packages (`debootstrap --variant=minbase
//!    bookworm`, imported as `localhost/debian:bookworm-local`) once per machine, and passed as
//!    `BASE`; elsewhere the `Containerfile`'s default, `debian:bookworm-slim`, is pulled.
//!
//! The suite (`cargo xtask test`) runs this first and tests the artifacts as installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::codegen::workspace_root;
use crate::test::cargo;

/// The version every artifact carries: the workspace's.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The image the suite builds and tests.
pub fn image_name() -> String {
    format!("localhost/presence:{VERSION}")
}

/// The base made locally when no registry can be reached.
const LOCAL_BASE: &str = "localhost/debian:bookworm-local";

/// Where the artifacts go.
pub fn dist_dir() -> PathBuf {
    workspace_root().join("target/dist")
}

/// Builds every artifact (the image only with `image`).
pub fn run(image: bool) -> anyhow::Result<()> {
    let root = workspace_root();
    let dist = dist_dir();
    let bin = dist.join("bin");
    std::fs::create_dir_all(&bin)?;
    eprintln!("== dist: release build");
    run_ok(cargo().args([
        "build",
        "--release",
        "--bins",
        "-p",
        "presence-server",
        "-p",
        "presence-cli",
    ]))?;
    for name in ["presence-server", "presencectl"] {
        let to = bin.join(name);
        std::fs::copy(root.join("target/release").join(name), &to)
            .with_context(|| format!("copying {name}"))?;
        // Debug symbols are most of a release binary; users install it, nobody debugs it.
        let _ = Command::new("strip").arg(&to).status();
    }
    eprintln!("== dist: wheel");
    run_ok(Command::new("python3").args([
        root.join("packaging/python/build_wheel.py").as_os_str(),
        VERSION.as_ref(),
        bin.as_os_str(),
        dist.as_os_str(),
    ]))?;
    eprintln!("== dist: npm package");
    npm_package(&root, &bin, &dist)?;
    if image {
        build_image(&root)?;
    }
    Ok(())
}

fn npm_package(root: &Path, bin: &Path, dist: &Path) -> anyhow::Result<()> {
    let staging = dist.join("npm");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(staging.join("bin"))?;
    for entry in std::fs::read_dir(root.join("packaging/npm"))? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), staging.join(entry.file_name()))?;
        }
    }
    let manifest = staging.join("package.json");
    let text = std::fs::read_to_string(&manifest)?.replace("0.0.0-VERSION", VERSION);
    std::fs::write(&manifest, text)?;
    for name in ["presence-server", "presencectl"] {
        std::fs::copy(bin.join(name), staging.join("bin").join(name))?;
    }
    run_ok(
        Command::new("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(dist)
            .current_dir(&staging),
    )
}

/// Whether podman is installed (the image and its tests need it).
pub fn podman() -> bool {
    Command::new("podman")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn build_image(root: &Path) -> anyhow::Result<()> {
    if !podman() {
        bail!("podman is needed to build the image (Debian: apt-get install podman runc)");
    }
    let base = match std::env::var("PRESENCE_IMAGE_BASE") {
        Ok(base) => base,
        Err(_) => local_base()?,
    };
    eprintln!("== dist: image {} on {base}", image_name());
    run_ok(
        Command::new("podman")
            .args([
                "build",
                "--format",
                "docker",
                "--network",
                "host",
                "--build-arg",
            ])
            .arg(format!("BASE={base}"))
            .args(["-t", &image_name(), "-f", "Containerfile", "."])
            .current_dir(root),
    )
}

/// `localhost/debian:bookworm-local`, made once from Debian's packages (the suite's machines
/// reach Debian's mirrors but no image registry).
fn local_base() -> anyhow::Result<String> {
    let exists = Command::new("podman")
        .args(["image", "exists", LOCAL_BASE])
        .status()
        .is_ok_and(|s| s.success());
    if exists {
        return Ok(LOCAL_BASE.to_owned());
    }
    eprintln!("== dist: making {LOCAL_BASE} with debootstrap (once per machine)");
    let dir = tempfile::tempdir()?;
    let rootfs = dir.path().join("rootfs");
    run_ok(Command::new("debootstrap").args([
        "--variant=minbase".as_ref(),
        "bookworm".as_ref(),
        rootfs.as_os_str(),
        "http://deb.debian.org/debian".as_ref(),
    ]))?;
    run_ok(Command::new("sh").arg("-c").arg(format!(
        "tar -C '{}' -c . | podman import - {LOCAL_BASE}",
        rootfs.display()
    )))?;
    Ok(LOCAL_BASE.to_owned())
}

fn run_ok(command: &mut Command) -> anyhow::Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed: {status}");
    }
    Ok(())
}
