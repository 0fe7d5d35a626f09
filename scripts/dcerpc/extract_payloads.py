#!/usr/bin/env python3
"""Test-only extractor: writes the DCE/RPC carrier streams of a pcap as a text fixture.

It asks tshark only for raw TCP payloads (tcp.stream, ports, tcp.payload, without retransmissions),
then frames NBSS + SMB2 itself (TREE_CONNECT, CREATE, WRITE, READ, IOCTL FSCTL_PIPE_TRANSCEIVE) to
find the named-pipe byte streams on IPC$. No DCE/RPC is decoded here: the Java analyzer does that.

Output lines, in capture order:
  conn <key> tcp <client-ip> <client-port> <server-ip> <server-port>
  conn <key> pipe <pipe-name> <client-ip> <client-port> <server-ip> <server-port>
  data <key> <S|C> <hex>          (S: client to server, C: server to client)
  close <key>
Usage: extract_payloads.py FILE.pcap > FILE.dcerpc.txt
"""
import struct
import subprocess
import sys

SMB_PORTS = {445, 139}
FSCTL_PIPE_TRANSCEIVE = 0x0011C017


def tshark_segments(path):
    cmd = ["tshark", "-r", path, "-Y", "tcp && !tcp.analysis.retransmission", "-T", "fields",
           "-E", "separator=|", "-e", "frame.number", "-e", "tcp.stream", "-e", "ip.src", "-e", "ipv6.src",
           "-e", "tcp.srcport", "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport",
           "-e", "tcp.flags.syn", "-e", "tcp.flags.ack", "-e", "tcp.payload"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split("|")
        if len(f) < 11:
            continue
        yield {"frame": int(f[0]), "stream": int(f[1]), "src": f[2] or f[3], "sport": int(f[4]),
               "dst": f[5] or f[6], "dport": int(f[7]), "syn": f[8] in ("1", "True"),
               "ack": f[9] in ("1", "True"), "payload": bytes.fromhex(f[10].replace(":", ""))}


class SmbStream:
    """Follows one SMB2 connection: both directions' NBSS frames, pipes on IPC$ trees."""

    def __init__(self, out, key, endpoints):
        self.out, self.key, self.endpoints = out, key, endpoints
        self.buf = {"S": b"", "C": b""}
        self.tree_req = {}   # msg_id -> path
        self.ipc_trees = set()
        self.create_req = {}  # msg_id -> name (on IPC$)
        self.read_req = {}   # msg_id -> fid
        self.ioctl_req = {}  # msg_id -> fid
        self.pipes = {}      # fid -> pipe key
        self.npipes = 0

    def feed(self, d, data):
        self.buf[d] += data
        b = self.buf[d]
        while len(b) >= 4:
            if b[0] != 0:
                b = b""  # not NBSS session message framing: give up on this direction
                break
            n = int.from_bytes(b[1:4], "big")
            if len(b) < 4 + n:
                break
            self.message(d, b[4:4 + n])
            b = b[4 + n:]
        self.buf[d] = b

    def message(self, d, m):
        off = 0
        while off + 64 <= len(m) and m[off:off + 4] == b"\xfeSMB":
            h = m[off:]
            cmd = struct.unpack_from("<H", h, 12)[0]
            status = struct.unpack_from("<I", h, 8)[0]
            flags = struct.unpack_from("<I", h, 16)[0]
            nxt = struct.unpack_from("<I", h, 20)[0]
            msg_id = struct.unpack_from("<Q", h, 24)[0]
            tid = struct.unpack_from("<I", h, 36)[0]
            resp = flags & 1
            end = nxt if nxt else len(h)
            self.command(d, h[:end], cmd, status, resp, msg_id, tid)
            if not nxt:
                break
            off += nxt

    def pipe_data(self, fid, d, data):
        key = self.pipes.get(fid)
        if key and data:
            self.out.append(f"data {key} {d} {data.hex()}")

    def command(self, d, h, cmd, status, resp, msg_id, tid):
        body = h[64:]
        try:
            if cmd == 3 and not resp:  # TREE_CONNECT request: PathOffset, PathLength
                po, pl = struct.unpack_from("<HH", body, 4)
                self.tree_req[msg_id] = h[po:po + pl].decode("utf-16-le", "replace")
            elif cmd == 3 and resp and status == 0:
                path = self.tree_req.pop(msg_id, "")
                if path.upper().endswith("\\IPC$"):
                    self.ipc_trees.add(tid)
            elif cmd == 5 and not resp and tid in self.ipc_trees:
                no, nl = struct.unpack_from("<HH", body, 44)
                self.create_req[msg_id] = h[no:no + nl].decode("utf-16-le", "replace")
            elif cmd == 5 and resp:
                name = self.create_req.pop(msg_id, None)
                if name is not None and status == 0:
                    fid = body[64:80]
                    self.npipes += 1
                    key = f"{self.key}.p{self.npipes}"
                    self.pipes[fid] = key
                    pipe = name.lstrip("\\")
                    if pipe.lower().startswith("pipe\\"):
                        pipe = pipe[5:]
                    self.out.append(f"conn {key} pipe {pipe or '-'} {self.endpoints}")
            elif cmd == 6 and not resp:  # CLOSE
                fid = body[8:24]
                key = self.pipes.pop(fid, None)
                if key:
                    self.out.append(f"close {key}")
            elif cmd == 9 and not resp:  # WRITE
                do, ln = struct.unpack_from("<HI", body, 2)
                self.pipe_data(body[16:32], "S", h[do:do + ln])
            elif cmd == 8 and not resp:  # READ
                self.read_req[msg_id] = body[16:32]
            elif cmd == 8 and resp:
                if status in (0, 0x80000005) and len(body) >= 16:
                    do = body[2]
                    ln = struct.unpack_from("<I", body, 4)[0]
                    fid = self.read_req.get(msg_id)
                    if fid is not None:
                        self.pipe_data(fid, "C", h[do:do + ln])
                if status != 0x103:
                    self.read_req.pop(msg_id, None)
            elif cmd == 11 and not resp:  # IOCTL
                ctl = struct.unpack_from("<I", body, 4)[0]
                if ctl == FSCTL_PIPE_TRANSCEIVE:
                    fid = body[8:24]
                    io, ic = struct.unpack_from("<II", body, 24)
                    self.ioctl_req[msg_id] = fid
                    self.pipe_data(fid, "S", h[io:io + ic])
            elif cmd == 11 and resp:
                fid = self.ioctl_req.get(msg_id)
                if fid is not None and status in (0, 0x80000005):
                    oo, oc = struct.unpack_from("<II", body, 32)
                    self.pipe_data(fid, "C", h[oo:oo + oc])
                if status != 0x103:
                    self.ioctl_req.pop(msg_id, None)
        except (struct.error, IndexError):
            pass


def main(path):
    out = []
    streams = {}
    for s in tshark_segments(path):
        st = streams.get(s["stream"])
        if st is None:
            # Client: the SYN sender; without a SYN, the side on the higher port.
            if s["syn"] and not s["ack"]:
                client = (s["src"], s["sport"])
                server = (s["dst"], s["dport"])
            elif s["syn"] and s["ack"]:
                client = (s["dst"], s["dport"])
                server = (s["src"], s["sport"])
            elif s["sport"] > s["dport"]:
                client, server = (s["src"], s["sport"]), (s["dst"], s["dport"])
            else:
                client, server = (s["dst"], s["dport"]), (s["src"], s["sport"])
            key = f"t{s['stream']}"
            endpoints = f"{client[0]} {client[1]} {server[0]} {server[1]}"
            smb = server[1] in SMB_PORTS
            st = {"key": key, "client": client, "smb": SmbStream(out, key, endpoints) if smb else None,
                  "announced": False, "endpoints": endpoints}
            streams[s["stream"]] = st
        if not s["payload"]:
            continue
        d = "S" if (s["src"], s["sport"]) == st["client"] else "C"
        if st["smb"] is not None:
            st["smb"].feed(d, s["payload"])
        else:
            if not st["announced"]:
                out.append(f"conn {st['key']} tcp {st['endpoints']}")
                st["announced"] = True
            out.append(f"data {st['key']} {d} {s['payload'].hex()}")
    for st in streams.values():
        if st["announced"]:
            out.append(f"close {st['key']}")
    sys.stdout.write(f"# source: {path.split('/')[-1]} (extract_payloads.py: tshark tcp.payload, own NBSS/SMB2 framing)\n")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
