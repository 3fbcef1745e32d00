"""A TCP relay that adds latency, for ssh's ``ProxyCommand`` (this kernel has no netem).

    ProxyCommand python bench/delay_relay.py --delay-ms 100 127.0.0.1 %p

ssh talks to it on stdin/stdout; it connects to HOST PORT and forwards both ways, holding every chunk for
``--delay-ms`` before passing it on, in each direction. Chunks are delayed, not the link slowed: a stream
keeps its throughput and gains the delay once per round trip, as over a long link.
"""

from __future__ import annotations

import argparse
import os
import queue
import socket
import sys
import threading
import time


def _pump(read: object, write: object, delay_s: float, done: threading.Event) -> None:
    """Read chunks with ``read()`` (b"" at the end), hand each to ``write`` ``delay_s`` after it arrived."""
    held: queue.Queue[tuple[float, bytes]] = queue.Queue()

    def sender() -> None:
        while True:
            due, chunk = held.get()
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                write(chunk)  # type: ignore[operator]
            except OSError:
                break
            if not chunk:
                break
        done.set()

    thread = threading.Thread(target=sender, daemon=True)
    thread.start()
    while True:
        try:
            chunk = read()  # type: ignore[operator]
        except OSError:
            chunk = b""
        held.put((time.monotonic() + delay_s, chunk))
        if not chunk:
            break
    thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay-ms", type=float, default=100.0, help="added to each direction (default 100)")
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    args = parser.parse_args()
    delay_s = args.delay_ms / 1000.0
    upstream = socket.create_connection((args.host, args.port))
    upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    done = threading.Event()

    def to_stdout(chunk: bytes) -> None:
        if chunk:
            view = memoryview(chunk)
            while view:
                view = view[os.write(stdout, view) :]
        else:
            os.close(stdout)

    def to_upstream(chunk: bytes) -> None:
        if chunk:
            upstream.sendall(chunk)
        else:
            upstream.shutdown(socket.SHUT_WR)

    outward = threading.Thread(
        target=_pump, args=(lambda: os.read(stdin, 65536), to_upstream, delay_s, threading.Event()), daemon=True
    )
    outward.start()
    _pump(lambda: upstream.recv(65536), to_stdout, delay_s, done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
