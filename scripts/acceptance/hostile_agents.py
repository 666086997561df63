#!/usr/bin/env python3
"""Hostile anycast agents (issue 8, item 1): one listening port per case on 127.0.0.1, each
misbehaving in one way. Python 3 standard library only (and the `openssl` command for a
throwaway certificate, made only when the real TLS server runs). The one implementation of
the misbehaving agents: scripts/acceptance/hostile.sh runs them against the real dashboard,
Tests/AnycastPollerTests/HostileAgentTests against the poller in-process, and
scripts/acceptance/simulate-api.sh takes the silent one as a hung agent. Served on one
asyncio loop (the real TLS server on threads of its own).

Every agent answers a status stream request (`/stream` in the path) in the stream's form (a
chunked answer of newline-delimited JSON) and any other request (`/v1/status`,
`/v1/status/update?known=...`) in the poll's form (a `Content-Length` answer), so both of the
dashboard's paths meet the same misbehaviour. The sites of region "poll" (p-*) answer the
stream 404, as an older agent does, so the dashboard polls them instead: the same
misbehaviour, met on the poll path.

Usage: hostile_agents.py --base-port P [--sites ID,...] [--manifest FILE] [--stats FILE] [--duration S]

Site i listens on P + i (P = 0: on ports the system chooses); --sites starts only the sites
named. When every port listens, the manifest (one line per site:
`ID NAME REGION SCHEME PORT`, then `ready`) is written to FILE (or stdout); --stats FILE is
rewritten every half second with JSON counters per site (connections, requests, bytes sent).
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

HUGE = 100_000_000  # bytes of the huge body
BLOCK = 65_536

# The bodies of the body cases.
BODIES = {
    "invalid-utf8": b'{"revision":"r\x01","now":1,"rcode_names":["' + bytes([0xFF, 0xFE, 0x22, 0x5D, 0x7D]),
    "wrong-types": b'{"revision":"r","now":"yesterday","qps":[1]}',
    "huge-array": ('{"revision":"r","now":1,"history":[' + ",".join(["1795829268.4,1.5"] * 10_000) + "]}").encode(),
    "deep-nesting": ('{"revision":"r","now":1,"status":' + "[" * 100_000 + "]" * 100_000 + "}").encode(),
}
TRICKLE_BODY = b'{"revision":"r","now":1}'

# (site id, name, behaviour, scheme, region). The dashboard's table shows 7 characters of an
# id and 13 of a name: short ids, the case in the name. Region "stream": the misbehaviour meets
# the status stream; region "poll": the stream is answered 404 (as by an older agent), so the
# dashboard polls, and the misbehaviour meets the polls.
HTTP_CASES = [
    # (stream id, poll id, behaviour = name)
    ("silent", "p-silnt", "silent"),
    ("trickle", "p-trckl", "trickle"),
    ("huge", "p-huge", "huge-body"),
    ("utf8", "p-utf8", "invalid-utf8"),
    ("types", "p-types", "wrong-types"),
    ("array", "p-array", "huge-array"),
    ("nested", "p-nest", "deep-nesting"),
    ("midbody", "p-mid", "cut-mid-body"),
    ("reset", "p-reset", "reset"),
]
SITES = (
    [(sid, name, name, "http", "stream") for sid, _, name in HTTP_CASES]
    + [
        # A real TLS server (Python's ssl, that is OpenSSL) on an http:// site.
        ("tls", "tls-to-plain", "tls-server", "http", "stream"),
        # A TLS alert record, then close: what the dashboard recognises as TLS.
        ("tlsalrt", "tls-alert", "tls-alert", "http", "stream"),
        # A plain-HTTP server on an https:// site: it answers the ClientHello 400, on whichever
        # path (stream or poll) the dashboard takes for https.
        ("plain", "plain-to-tls", "plain-http", "https", "stream"),
    ]
    + [(pid, name, name, "http", "poll") for _, pid, name in HTTP_CASES]
)

STATS = {}
STATS_LOCK = threading.Lock()


def count(site, key, n=1):
    with STATS_LOCK:
        STATS[site][key] = STATS[site].get(key, 0) + n


def head(stream, length):
    if stream:
        return b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % length


NOT_FOUND_BODY = b'{"error":"not_found","message":"no such path"}'
NOT_FOUND = (b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
             % len(NOT_FOUND_BODY)) + NOT_FOUND_BODY


def make_certificate(folder):
    """A throwaway self-signed certificate for 127.0.0.1, made with the openssl command."""
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", key, "-out", cert],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


class Connection:
    """A connection to a hostile site, served on the asyncio loop: one thread for every agent,
    so a burst of connections never waits on handing Python's lock from thread to thread (on a
    loaded machine that made answers later than a request's timeout)."""

    def __init__(self, site, behaviour, region, writer):
        self.site, self.behaviour, self.region, self.writer = site, behaviour, region, writer

    async def serve(self, reader):
        writer = self.writer
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        count(self.site, "connections")
        try:
            if self.behaviour == "plain-http":
                return await self.plain_http(reader)
            while True:
                line = await self.read_request(reader)
                if line is None:
                    return
                stream = "/stream" in line
                if stream and self.region == "poll":
                    await self.send(NOT_FOUND)
                    continue
                if self.behaviour in BODIES:
                    body = BODIES[self.behaviour]
                    if stream:  # one line of the stream, then the stream stays open
                        await self.send(head(True, 0) + b"%x\r\n" % (len(body) + 1) + body + b"\n\r\n")
                        return await self.hold(reader)
                    await self.send(head(False, len(body)) + body)  # and the next request on this connection
                    continue
                return await getattr(self, self.behaviour.replace("-", "_"))(reader, stream)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the dashboard went away (timeout, cap reached): expected
        finally:
            writer.close()

    async def send(self, data):
        self.writer.write(data)
        await self.writer.drain()
        count(self.site, "bytes_sent", len(data))

    async def read_request(self, reader):
        """Reads a request head; returns its request line, or None at EOF."""
        try:
            request = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        count(self.site, "requests")
        return request.split(b"\r\n", 1)[0].decode("latin-1")

    async def hold(self, reader):
        """Keeps the connection, reading and dropping whatever comes, until the client leaves."""
        while await reader.read(65_536):
            pass

    async def silent(self, reader, stream):
        await self.hold(reader)

    async def trickle(self, reader, stream):
        body = TRICKLE_BODY
        data = head(stream, len(body)) + ((b"%x\r\n" % (len(body) + 1) + body + b"\n\r\n") if stream else body)
        for i in range(len(data)):
            await self.send(data[i:i + 1])
            await asyncio.sleep(1)

    async def huge_body(self, reader, stream):
        await self.send(head(stream, HUGE) + (b"%x\r\n" % HUGE if stream else b""))
        block = b"1" * BLOCK
        left = HUGE
        while left > 0:
            n = min(left, BLOCK)
            await self.send(block[:n])
            left -= n

    async def cut_mid_body(self, reader, stream):
        h = head(True, 0) + b"3e8\r\n" if stream else head(False, 1000)
        await self.send(h + b"x" * 100)
        self.writer.write_eof()

    async def reset(self, reader, stream):
        # SO_LINGER with a zero timeout: closing sends RST instead of FIN.
        self.writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()

    async def tls_alert(self, reader, stream):
        await self.send(bytes([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]))  # alert: protocol version

    async def plain_http(self, reader):
        """A plain-HTTP server: a TLS ClientHello gets a 400, as from any HTTP server."""
        first = await reader.read(65_536)
        if not first:
            return
        if first[0] == 22:  # a TLS handshake record
            await self.send(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        else:
            await self.send(NOT_FOUND)


class TLSHandler(socketserver.BaseRequestHandler):
    """A real TLS server (Python's ssl, that is OpenSSL), on threads of its own: a blocking
    handshake reads only the first record of a plain-HTTP request and closes with the rest
    unread, as OpenSSL servers do (asyncio's TLS would read it all first)."""

    def setup(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        count(self.server.site, "connections")

    def handle(self):
        try:
            tls = self.server.tls_context.wrap_socket(self.request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            count(self.server.site, "handshake_errors")
            with STATS_LOCK:
                STATS[self.server.site]["last_handshake_error"] = str(e)
            return
        # A TLS client gets a real answer (curl -k https://...).
        count(self.server.site, "handshakes")
        body = b'{"error":"tls_only","message":"this agent speaks TLS"}'
        try:
            tls.recv(65_536)
            tls.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
            tls.close()
        except (ssl.SSLError, OSError):
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-port", type=int, required=True, help="site i listens on P + i; 0: ports the system chooses")
    ap.add_argument("--sites", help="start only these sites (ids, comma-separated)")
    ap.add_argument("--manifest", help="where to write the site list (default: stdout)")
    ap.add_argument("--stats", help="JSON counters per site, rewritten every 0.5 s")
    ap.add_argument("--duration", type=float, default=0, help="exit after S seconds (0: run until killed)")
    args = ap.parse_args()
    # A child inherits its parent's blocked signals, and the Swift test runner blocks these:
    # unblocked, SIGTERM ends the agents whoever started them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    sites = SITES
    if args.sites:
        wanted = args.sites.split(",")
        unknown = set(wanted) - {site[0] for site in SITES}
        if unknown:
            ap.error(f"no such site: {', '.join(sorted(unknown))}")
        sites = [site for site in SITES if site[0] in wanted]
    asyncio.run(run(args, sites))


async def run(args, sites):
    context = None
    if any(behaviour == "tls-server" for _, _, behaviour, _, _ in sites):
        folder = tempfile.mkdtemp(prefix="hostile-tls.")
        try:
            cert, key = make_certificate(folder)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # loaded: the files are not needed any more

    servers = []  # kept open until the end
    lines = []
    for i, (site, name, behaviour, scheme, region) in enumerate(sites):
        wanted_port = args.base_port + i if args.base_port else 0
        STATS[site] = {"port": None, "behaviour": behaviour, "connections": 0, "requests": 0, "bytes_sent": 0}
        if behaviour == "tls-server":
            server = Server(("127.0.0.1", wanted_port), TLSHandler)
            server.site, server.tls_context = site, context
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
            port = server.server_address[1]
        else:
            def connected(reader, writer, kind=(site, behaviour, region)):
                return Connection(*kind, writer).serve(reader)
            server = await asyncio.start_server(connected, "127.0.0.1", wanted_port, backlog=64, reuse_address=True)
            port = server.sockets[0].getsockname()[1]
        servers.append(server)
        STATS[site]["port"] = port
        lines.append(f"{site} {name} {region} {scheme} {port}")
    manifest = "\n".join(lines) + "\nready\n"
    if args.manifest:
        write_atomic(args.manifest, manifest)
    else:
        sys.stdout.write(manifest)
        sys.stdout.flush()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    end = time.monotonic() + args.duration if args.duration > 0 else None
    while not stop.is_set() and (end is None or time.monotonic() < end):
        if args.stats:
            with STATS_LOCK:
                text = json.dumps(STATS, indent=1, sort_keys=True)
            write_atomic(args.stats, text)
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass
    # Open connections end with the process, at once (closing each, and its pump or trickle,
    # would take longer).
    os._exit(0)


if __name__ == "__main__":
    main()
