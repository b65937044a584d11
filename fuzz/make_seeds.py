#!/usr/bin/env python3
"""Writes the hand-made seed corpus of every fuzz target into fuzz/corpus/TARGET.

Run from anywhere: python3 fuzz/make_seeds.py. Minimized finds are added to the corpus by
hand (named find-*), and this script leaves them alone.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
UID = ["00000000-0000-4000-8000-%012d" % n for n in range(1, 4)]


def frame(kind, body):
    return struct.pack(">I", 1 + len(body)) + bytes([kind]) + body


def msg(**fields):
    # The original's layout: fields then "type", ", " and ": " separators.
    return json.dumps(fields).encode()


join = msg(username="alice", color="ff8800", type="JoinRequest")
chat = msg(uid=UID[0], text="hello there", type="ChatMessage")
chat_null = msg(uid=None, text="caf\u00e9 \U0001F600 \"q\" \\", type="ChatMessage")
system = msg(text="bob joined the chat", type="SystemMessage")
user = msg(uid=UID[1], username="bob", color="#00AA00", type="User")
server_info = msg(users={u: {"uid": u, "username": "u%d" % n, "color": "000000"} for n, u in enumerate(UID)},
                  uid=UID[0], type="ServerInfo")
# The pychat sign is a kind-1 SystemMessage; the server's answer is a kind-2 Welcome.
sign = b'{"text": "pychat/1 room-size", "type": "SystemMessage"}'
welcome = b'{"type": "Welcome", "version": 1, "features": ["room-size"]}'
room_size = b'{"type": "RoomSize", "users": 3}'
many_keys = ("{" + ", ".join('"k%d": %d' % (n, n) for n in range(1000)) + "}").encode()

seeds = {
    "json": {
        "chat": chat, "chat-null": chat_null, "server-info": server_info, "sign": sign,
        "values": b'[null, true, false, 0, -1.5e+10, NaN, Infinity, -Infinity, "", {}, []]',
        "escapes": b'"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00 \\udc00"',
        "nested": b"[" * 40 + b"{}" + b"]" * 40,
        "duplicates": b'{"a": 1, "a": 2, "b": {"a": [], "a": {}}}',
        "many-keys": many_keys,
        "space": b' \t\r\n{ "x" : [ 1 , 2 ] }\n',
    },
    "extension": {
        "welcome": welcome, "room-size": room_size,
        "welcome-more": b'{"features": ["room-size", "later", ""], "version": 3, "type": "Welcome", "extra": {"x": 1}}',
        "unknown": b'{"type": "Later", "x": [1]}',
        "bad": b'{"type": "RoomSize", "users": -1}',
    },
    # The first byte chooses how the rest is cut into reads.
    "frames": {
        "session": b"\x07" + frame(1, sign) + frame(1, join) + frame(2, welcome) + frame(1, chat) + frame(1, chat_null),
        "server-side": b"\x35" + frame(1, server_info) + frame(1, system) + frame(1, user) + frame(2, room_size),
        "odd": b"\x01" + b"\x00\x00\x00\x00" + frame(7, b"xyz") + frame(1, b"{}") + frame(1, b"\xff\xfe"),
        "too-large": b"\x02" + frame(1, chat) + b"\x00\x01\x00\x00\x01",
    },
    "keys": {
        "typing": b"\x03hello \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\r",
        "arrows": b"\x05\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F\x1bOA\x1b[1;5A\x1b[5~\x1b[6~\x1b[3~\x1b[Z",
        "paste": b"\x09\x1b[200~pasted\nlines\x1b[201~\x7f\x08\t",
        "mouse": b"\x0b\x1b[<64;10;5M\x1b[<65;10;5M\x1b[M`!!\x1b[<0;1;1m",
        "strings": b"\x0d\x1b]0;title\x07\x1bP1$r\x1b\\\x1b_apc\x18x\x1b",
        "bad-utf8": b"\x11\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82\x1b",
    },
}


def room_ops():
    """The room target's language: op byte, connection byte, then the op's bytes."""
    def accept(c): return bytes([0, c, 3])  # 3: no address, not counted
    def accept_from(c, n): return bytes([0, c, n])  # from 10.0.0.n
    def elapse(ms): return bytes([0, 0, 7]) + struct.pack(">H", ms)
    def raw(c, data): return bytes([1, c]) + struct.pack(">H", len(data)) + data
    def joins(c, name, color): return bytes([2, c, len(name)]) + name + bytes([len(color)]) + color
    def says(c, text, known): return bytes([3, c]) + struct.pack(">H", len(text)) + text + bytes([known])
    def leave(c): return bytes([4, c])
    def timer(c, which): return bytes([5, c, which])
    def host(text): return bytes([6, 0]) + struct.pack(">H", len(text)) + text
    def sign_op(c, ours): return bytes([7, c, 0 if ours else 1]) + (b"" if ours else b"\x02feature!")
    return {
        "chat": accept(0) + joins(0, b"alice", b"ff8800") + accept(1) + joins(1, b"bob", b"#00aa00")
                + timer(0, 2) + says(0, b"hi bob", 1) + says(1, "caf\u00e9 \U0001F600".encode(), 0)
                + host(b"welcome") + leave(0) + timer(0, 1) + timer(0, 2),
        "raw": accept(2) + raw(2, frame(1, sign)) + raw(2, frame(1, join)) + raw(2, frame(2, room_size)) + raw(2, frame(1, chat))
               + raw(2, frame(1, b'{"type": "Nope"}')) + raw(2, b"\x00\x00"),
        "names": accept(0) + joins(0, b"ALICE", b"") + accept(1) + joins(1, b"alice", b"zz")
                 + accept(2) + joins(2, b"\x1b[31mmallory\xe2\x80\xae", b"123456") + sign_op(1, True)
                 + sign_op(2, False) + timer(3, 0) + says(2, b"x" * 300, 1),
        # One character of many code points: its bytes, not its count in characters, make the frame.
        "combining": accept(0) + joins(0, "e\u0301\u0302".encode() * 10, b"") + accept(1) + joins(1, b"b", b"")
                     + says(0, "e".encode() + "\u0301".encode() * 200, 1),
        "deadline": accept(5) + timer(5, 0) + accept(6) + raw(6, b"\x00\x10\x00\x00") + leave(6),
        # One address over its quota, and a chat rate running on time steps.
        "addresses": b"".join(accept_from(c, 1) for c in range(8)) + elapse(60000) + accept_from(0, 2)
                     + joins(0, b"dora", b"") + accept_from(1, 2) + joins(1, b"eve", b"")
                     + b"".join(says(0, b"flood %d" % n, 1) for n in range(12)) + elapse(500) + timer(0, 3) + elapse(2000) + timer(0, 3),
    }


seeds["room"] = room_ops()

with open(os.path.join(HERE, "..", "Tests", "StateTests", "Fixtures", "server-three-clients.pychatlog"), "rb") as f:
    server_log = f.read()
with open(os.path.join(HERE, "..", "Tests", "StateTests", "Fixtures", "client-headless.pychatlog"), "rb") as f:
    client_log = f.read()
seeds["eventlog"] = {
    "server": server_log, "client": client_log,
    "truncated": server_log[: len(server_log) * 2 // 3],
    "wrong-step": server_log.split(b"\n")[0] + b"\n" + server_log.split(b"\n")[2] + b"\n",
}

for target, files in seeds.items():
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        if not name.startswith("find-"):
            os.remove(os.path.join(d, name))
    for name, data in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
