#!/usr/bin/env python3
"""Memory of idle event streams: RSS of a presence-server before and after opening N streams
of 650 ids each (every event read, then left idle), and after closing them again.

    python3 xtask/bench/stream_memory.py target/release/presence-server [N]

Starts its own server (--auth none, a temporary data directory, a free port). What RSS
gains while the streams are open is the upper bound; what it gives back once they are closed
is the memory the streams themselves held (the rest is the allocator keeping what the first
burst of 650 events per stream used).
"""
import socket, subprocess, sys, tempfile, time, uuid

binary = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
data = tempfile.mkdtemp()
port_probe = socket.socket(); port_probe.bind(("127.0.0.1", 0)); port = port_probe.getsockname()[1]; port_probe.close()
server = subprocess.Popen([binary, "--listen", f"127.0.0.1:{port}", "--auth", "none", "--data-dir", data,
                           "--max-streams-per-app", "100000"], stderr=subprocess.PIPE, text=True)
for line in server.stderr:
    if "listening on" in line:
        break

def rss():
    for line in open(f"/proc/{server.pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])

ids = ",".join(str(uuid.UUID(int=i + 1)) for i in range(650))
request = f"GET /v1.0/events/presence?ids={ids} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
sockets = []

def open_streams(n):
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(request)
        s.setblocking(False)
        sockets.append(s)
    # Read every stream's first 650 events, until all have gone quiet.
    quiet_since = time.time()
    while time.time() - quiet_since < 2:
        for s in sockets:
            try:
                while s.recv(1 << 20):
                    quiet_since = time.time()
            except BlockingIOError:
                pass
        time.sleep(0.05)

open_streams(20)
before = rss()
open_streams(count)
time.sleep(2)
opened = rss()
for s in sockets:
    s.close()
time.sleep(12)  # keep-alives find the closed streams within 5 s
closed = rss()
server.terminate()
server.wait()
print(f"{count} idle streams of 650 ids: RSS {before} -> {opened} KiB while open "
      f"({(opened - before) / count:.0f} KiB a stream), {closed} KiB once closed "
      f"({(opened - closed) / count:.0f} KiB a stream given back)")
