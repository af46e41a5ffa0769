"""Assembles the presence-emulator wheel from binaries already built (no second compile):
`python3 build_wheel.py VERSION BIN_DIR OUT_DIR` writes
OUT_DIR/presence_emulator-VERSION-py3-none-PLATFORM.whl holding the Python package beside this
file, the two executables as the wheel's scripts (`presence-server`, `presencectl` on the
installing environment's PATH), and the pytest plugin's entry point. Run by `cargo xtask dist`.

The platform tag says what the binaries need: this machine's architecture and glibc
(`manylinux_2_36_x86_64` on Debian bookworm), so pip refuses the wheel where they cannot run.
"""

import base64
import hashlib
import os
import pathlib
import platform
import sys
import zipfile

NAME = "presence_emulator"
HERE = pathlib.Path(__file__).resolve().parent


def platform_tag():
    libc, version = platform.libc_ver()
    if libc != "glibc":
        raise SystemExit(f"the binaries need glibc; this is {libc or 'unknown'}")
    major, minor = version.split(".")[:2]
    return f"manylinux_{major}_{minor}_{platform.machine()}"


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def main(version, bin_dir, out_dir):
    tag = f"py3-none-{platform_tag()}"
    dist_info = f"{NAME}-{version}.dist-info"
    data_dir = f"{NAME}-{version}.data"
    files = []
    for source in sorted((HERE / NAME).glob("*.py")):
        files.append((f"{NAME}/{source.name}", source.read_bytes(), 0o644))
    for binary in ("presence-server", "presencectl"):
        files.append((f"{data_dir}/scripts/{binary}", (pathlib.Path(bin_dir) / binary).read_bytes(), 0o755))
    files.append((f"{dist_info}/METADATA", (
        "Metadata-Version: 2.1\n"
        f"Name: presence-emulator\nVersion: {version}\n"
        "Summary: A local emulator of the Microsoft Graph presence API, with pytest fixtures\n"
        "License: MIT OR Apache-2.0\nRequires-Python: >=3.9\n"
        "Provides-Extra: testcontainers\n"
        "Requires-Dist: testcontainers>=4; extra == \"testcontainers\"\n"
    ).encode(), 0o644))
    files.append((f"{dist_info}/WHEEL", (
        f"Wheel-Version: 1.0\nGenerator: presence xtask dist\nRoot-Is-Purelib: false\nTag: {tag}\n"
    ).encode(), 0o644))
    files.append((f"{dist_info}/entry_points.txt",
                  f"[pytest11]\npresence_emulator = {NAME}.pytest_plugin\n".encode(), 0o644))
    record = [record_line(name, data) for name, data, _ in files] + [f"{dist_info}/RECORD,,"]
    files.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode(), 0o644))
    out = pathlib.Path(out_dir) / f"{NAME}-{version}-{tag}.whl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data, mode in files:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    print(out)


if __name__ == "__main__":
    main(*sys.argv[1:4])
