#!/usr/bin/env python3
"""original_peer: pychat's own headless peer that behaves on the wire like the original PyChat 0.1.0.

Written from the protocol notes (PROTOCOL.md) and the documented contract of the shared reference
peer (shared/refpeer/README.md: its command line, JSON-lines events, exit codes, wire behaviour and
quirks), never from that peer's source, so that the two are independent implementations and the
integration tests can point at either one and cross-check them.

  original_peer.py server --port 0 -u host --host-say welcome
  original_peer.py client --port P -u alice --wait-users 2 --send hi --expect-messages 1

Every frame received is printed as {"kind": ..., "msg" | "raw_hex": ...}; everything else as
{"event": NAME, ...}: listening, connected, sent, rejected (where the original throws while
decoding, so its user's screen gets a traceback), ignored, joined, left, quirk, closed, error,
done, timeout, signal, exit.

The display model is SIMPLIFIED. The original draws each line into a curses pad before it sends
anything, and a drawing error silently drops the message. This peer models only the failures that
do not depend on the terminal's geometry: a NUL in the drawn line, a name that f"{name:>10}" cannot
format (null, a list, an object), a colour whose pairs int(..., 16) cannot read, a chat from a uid missing
from the client's table, a system text that is not a string. It does NOT model the 32-row pad
(long lines that wrap past its last row, messages with many newlines) nor the exhaustion of curses
colour numbers. `--cols` is accepted for compatibility; `--cols 0` turns the model off.
"""
import argparse
import asyncio
import json
import signal
import ssl
import struct
import sys
import uuid

# The original's messages: each type's fields in its dataclass order ("type" is appended last).
FIELDS = {
    "User": ("uid", "username", "color"),
    "JoinRequest": ("username", "color"),
    "ServerInfo": ("users", "uid"),
    "ChatMessage": ("uid", "text"),
    "SystemMessage": ("text",),
}


def emit(**fields):
    """One JSON line on stdout (json.dumps escapes non-ASCII, so lines are ASCII)."""
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def event(name, **fields):
    emit(event=name, **fields)


def describe(error):
    return f"{type(error).__name__}: {error}"


class Rejected(Exception):
    """Where the original's decoder throws: the frame is lost, a traceback hits its screen."""


# ---------------------------------------------------------------- decoding and encoding

def parse_uid(value, where):
    if value is None:
        return None
    if not isinstance(value, str):
        raise Rejected(f"{where}: not a uuid string but {type(value).__name__}")
    try:
        return uuid.UUID(value)
    except ValueError as e:
        raise Rejected(f"{where}: {describe(e)}")


def clean_color(color):
    """The original's cleaning of a user's colour; throws like it on a non-string or ""."""
    if not isinstance(color, str):
        raise Rejected(f"colour {color!r}: not a string")
    if color == "":
        raise Rejected("colour '': IndexError: string index out of range")
    if color[0] == "#":
        color = color[1:]
    return color.lower()


class User:
    def __init__(self, uid, username, color):
        self.uid, self.username, self.color = uid, username, clean_color(color)

    def encode(self):
        return {"uid": str_uid(self.uid), "username": self.username, "color": self.color}


def str_uid(uid):
    return None if uid is None else str(uid)


def decode_user(value, where):
    if not isinstance(value, dict) or set(value) != set(FIELDS["User"]):
        raise Rejected(f"{where}: not a User object")
    return User(parse_uid(value["uid"], f"{where}.uid"), value["username"], value["color"])


def decode_message(obj):
    """A decoded JSON value as the original's message: (type, fields); Rejected where it throws."""
    if not isinstance(obj, dict):
        raise Rejected(f"not a JSON object but {type(obj).__name__}")
    kind = obj.get("type")
    if "type" not in obj:
        raise Rejected("missing type")
    if not isinstance(kind, str) or kind not in FIELDS:
        raise Rejected(f"unknown type {kind!r}")
    given = set(obj) - {"type"}
    expected = set(FIELDS[kind])
    if given != expected:
        unknown, missing = sorted(given - expected), sorted(expected - given)
        raise Rejected(f"{kind}: unknown fields {unknown}, missing fields {missing}")
    fields = {name: obj[name] for name in FIELDS[kind]}
    if "uid" in fields:
        fields["uid"] = parse_uid(fields["uid"], f"{kind}.uid")
    if kind == "User":
        fields["color"] = clean_color(fields["color"])
    if kind == "ServerInfo":
        users = fields["users"]
        if users is not None:
            if not isinstance(users, dict):
                raise Rejected(f"ServerInfo.users: not an object but {type(users).__name__}")
            fields["users"] = {parse_uid(k, "ServerInfo.users key"): decode_user(v, f"ServerInfo.users[{k!r}]")
                               for k, v in users.items()}
    return kind, fields


def encode(kind, fields):
    """The JSON object the original writes: its fields in order, values re-encoded, "type" last."""
    out = {}
    for name in FIELDS[kind]:
        value = fields[name]
        if name == "uid":
            value = str_uid(value)
        elif name == "users" and value is not None:
            value = {str(k): u.encode() for k, u in value.items()}
        out[name] = value
    out["type"] = kind
    return out


def frame_bytes(obj):
    payload = b"\x01" + json.dumps(obj).encode()
    return struct.pack(">I", len(payload)), payload


def receive_line(payload, raw, extra):
    """Prints a received frame and returns its message, or None after a `rejected` line."""
    line = dict(extra)
    if len(payload) == 0:
        line = {"kind": None, **line, "raw_hex": ""}
        message, reason = None, "empty frame: ValueError: 0 is not a valid SendDataType"
    elif payload[0] != 1:
        line = {"kind": payload[0], **line, "raw_hex": payload[1:].hex()}
        message, reason = None, f"ValueError: {payload[0]} is not a valid SendDataType"
    else:
        try:
            obj = json.loads(payload[1:].decode("utf-8"))
        except ValueError as e:  # UnicodeDecodeError and JSONDecodeError are both ValueErrors
            line = {"kind": 1, **line, "raw_hex": payload[1:].hex()}
            message, reason = None, describe(e)
        else:
            line = {"kind": 1, **line, "msg": obj}
            try:
                message, reason = decode_message(obj), None
            except Rejected as e:
                message, reason = None, str(e)
    if raw:
        line["frame_hex"] = (struct.pack(">I", len(payload)) + payload).hex()
    emit(**line)
    if reason is not None:
        event("rejected", reason=reason + " (the original prints a traceback on its screen)", **extra)
    return message


async def read_frame(reader):
    """The next frame's payload (kind byte and body); IncompleteReadError at the end."""
    header = await reader.readexactly(4)
    return await reader.readexactly(struct.unpack(">I", header)[0])


# ---------------------------------------------------------------- the display model

class Display:
    """The original draws a line before it sends anything; a drawing error drops the message."""

    def __init__(self, on):
        self.on = on

    def chat(self, user, text):
        if not self.on:
            return
        try:  # the colour is cleaned once more (one more "#" goes) and read as three hex pairs
            color = clean_color(user.color)
        except Rejected as e:
            raise ValueError(str(e))
        for i in (0, 2, 4):
            int(color[i:i + 2], 16)  # Python's int(): "+1", " 1" pass; "", "zz", "0x" do not
        self.line(f"{user.username:>10}:  {text}")

    def system(self, text):
        if not self.on:
            return
        if not isinstance(text, str):
            raise TypeError(f"addstr() argument must be str, not {type(text).__name__}")
        self.line(text)

    @staticmethod
    def line(text):
        if "\x00" in text:
            raise ValueError("embedded null character")


def tls_context(args, server):
    purpose = ssl.Purpose.CLIENT_AUTH if server else ssl.Purpose.SERVER_AUTH
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server else ssl.PROTOCOL_TLS_CLIENT)
    context.load_cert_chain(args.certfile)
    context.load_verify_locations(args.cafile)
    context.load_default_certs(purpose)
    context.verify_mode = ssl.CERT_REQUIRED
    if not server:
        context.check_hostname = True
    return context


def write_frame(writer, obj):
    length, payload = frame_bytes(obj)
    writer.write(length)  # two writes, like the original
    writer.write(payload)
    return (length + payload).hex()


# ---------------------------------------------------------------- server

class Server:
    def __init__(self, args, stop):
        self.args, self.stop = args, stop
        self.display = Display(args.cols != 0)
        self.host = User(uuid.uuid4(), args.username, args.color)
        self.users = {self.host.uid: self.host}  # insertion order: the host first
        self.writers = {}  # cid -> writer, in connection order
        self.host_said = False

    def send(self, kind, fields, to):
        if not to:
            return
        obj = encode(kind, fields)
        hexes = [write_frame(self.writers[cid], obj) for cid in to]
        line = {"msg": obj, "to": [str(cid) for cid in to]}
        if self.args.raw:
            line["frame_hex"] = hexes[0]
        event("sent", **line)

    def broadcast(self, kind, fields, exclude=None):
        to = [cid for cid in self.writers if cid != exclude]
        unjoined = [str(cid) for cid in to if cid not in self.users]
        if unjoined:
            event("quirk", quirk="broadcast_reaches_unjoined", cids=unjoined)
        self.send(kind, fields, to)

    def server_infos(self):
        for uid in self.users:
            if uid in self.writers:
                self.send("ServerInfo", {"users": self.users, "uid": uid}, [uid])

    def announce(self, text):
        try:
            self.display.system(text)
        except (ValueError, TypeError) as e:
            event("quirk", quirk="display_error", error=str(e), not_sent=text)
            return
        self.broadcast("SystemMessage", {"text": text})

    def join(self, cid, fields):
        try:
            user = User(cid, fields["username"], fields["color"])
        except Rejected as e:
            event("quirk", quirk="join_failed", cid=str(cid), error=str(e))
            return
        if cid in self.users:
            event("quirk", quirk="second_join_reannounced", cid=str(cid))
        self.users[cid] = user  # a second join renames in place
        event("joined", cid=str(cid), username=user.username, color=user.color)
        self.server_infos()
        self.announce(f"{user.username} joined the chat")
        if not self.host_said:
            self.host_said = True
            for text in self.args.host_say:
                self.chat(self.host, {"uid": self.host.uid, "text": text}, exclude=None)

    def chat(self, user, fields, exclude):
        fields = {"uid": user.uid, "text": fields["text"]}  # re-stamped: nobody speaks as another
        try:
            self.display.chat(user, fields["text"])
        except (ValueError, TypeError) as e:
            event("quirk", quirk="display_error", error=str(e), not_relayed_from=str(user.uid))
            return
        self.broadcast("ChatMessage", fields, exclude=exclude)

    def handle(self, cid, message):
        kind, fields = message
        if kind == "JoinRequest":
            self.join(cid, fields)
        elif kind == "ChatMessage":
            if cid not in self.users:
                event("quirk", quirk="chat_before_join_dropped", cid=str(cid))
            else:
                self.chat(self.users[cid], fields, exclude=cid)
        else:
            event("ignored", cid=str(cid), type=kind)

    def leave(self, cid):
        del self.writers[cid]
        user = self.users.pop(cid, None)
        if user is None:
            event("quirk", quirk="unjoined_disconnect", cid=str(cid))
            return
        event("left", cid=str(cid), username=user.username)
        self.server_infos()
        self.announce(f"{user.username} left the chat")

    async def connection(self, reader, writer):
        peer = writer.get_extra_info("peername")
        if self.args.ssl:
            try:  # a connection exists only after its handshake, as in the original
                await writer.start_tls(self.context)
            except Exception as e:
                event("error", stage="tls", error=describe(e), peer=f"{peer[0]}:{peer[1]}")
                writer.close()
                return
        cid = uuid.uuid4()
        self.writers[cid] = writer
        event("connected", cid=str(cid), peer=f"{peer[0]}:{peer[1]}")
        how = "eof"
        try:
            while True:
                message = receive_line(await read_frame(reader), self.args.raw, {"cid": str(cid)})
                if message is not None:
                    self.handle(cid, message)
                await writer.drain()
        except asyncio.IncompleteReadError:
            pass
        except Exception as e:
            how = describe(e)
        event("closed", cid=str(cid), how=how)
        self.leave(cid)
        writer.close()

    async def run(self):
        try:
            self.context = tls_context(self.args, server=True) if self.args.ssl else None
        except Exception as e:
            event("error", stage="tls-setup", error=describe(e))
            return 2
        try:
            listener = await asyncio.start_server(self.connection, self.args.host, self.args.port)
        except OSError as e:
            event("error", stage="listen", error=describe(e))
            return 2
        port = listener.sockets[0].getsockname()[1]
        event("listening", host=self.args.host, port=port, tls=self.args.ssl, host_user=self.host.encode())
        try:
            await asyncio.wait_for(self.stop, self.args.timeout)
        except asyncio.TimeoutError:
            event("timeout")
        listener.close()
        return 0


# ---------------------------------------------------------------- client

class Client:
    def __init__(self, args, stop):
        self.args, self.stop = args, stop
        self.display = Display(args.cols != 0)
        self.users = {}
        self.me = None  # the User stored under ServerInfo.uid
        self.pending = list(args.texts)
        self.sends_done = False
        self.chats = 0
        self.goal = asyncio.get_running_loop().create_future()

    def send(self, kind, fields):
        obj = encode(kind, fields)
        line = {"msg": obj}
        frame_hex = write_frame(self.writer, obj)
        if self.args.raw:
            line["frame_hex"] = frame_hex
        event("sent", **line)

    def check_goal(self):
        if self.sends_done and self.chats >= self.args.expect_messages and not self.goal.done():
            self.goal.set_result(None)

    def server_info(self, fields):
        self.users = fields["users"]
        if fields["uid"] is not None:
            self.me = (self.users or {}).get(fields["uid"])
            if self.me is None:
                event("quirk", quirk="own_uid_not_in_users", uid=str(fields["uid"]))
        if self.me is None or self.sends_done or len(self.users or {}) < self.args.wait_users:
            return
        for text in self.pending:
            try:  # shown locally first; a drawing error loses the message
                self.display.chat(self.me, text)
            except (ValueError, TypeError) as e:
                event("quirk", quirk="display_error", error=str(e), not_sent=text)
                continue
            self.send("ChatMessage", {"uid": self.me.uid, "text": text})
        self.sends_done = True

    def chat(self, fields):
        self.chats += 1  # counted once decoded, whether it can be drawn or not
        try:
            sender = (self.users or {})[fields["uid"]]
            self.display.chat(sender, fields["text"])
        except (KeyError, ValueError, TypeError) as e:
            event("quirk", quirk="display_error", error=describe(e))
            return
        if self.me is not None and fields["uid"] == self.me.uid:
            event("quirk", quirk="own_uid_message_resent", uid=str(fields["uid"]))
            self.send("ChatMessage", fields)

    def handle(self, message):
        kind, fields = message
        if kind == "ServerInfo":
            self.server_info(fields)
        elif kind == "ChatMessage":
            self.chat(fields)
        elif kind == "SystemMessage":
            try:
                self.display.system(fields["text"])
            except (ValueError, TypeError) as e:
                event("quirk", quirk="display_error", error=str(e))
        else:
            event("ignored", type=kind)
        self.check_goal()

    async def read(self, reader):
        try:
            while True:
                message = receive_line(await read_frame(reader), self.args.raw, {})
                if message is not None:
                    self.handle(message)
                await self.writer.drain()
        except asyncio.IncompleteReadError:
            pass
        except Exception as e:  # a reset or a TLS failure mid-session also ends it
            event("error", stage="connection", error=describe(e))
        event("closed", by="server")

    async def session(self):
        args = self.args
        try:
            context = tls_context(args, server=False) if args.ssl else None
        except Exception as e:
            event("error", stage="tls-setup", error=describe(e))
            return 2
        try:
            reader, self.writer = await asyncio.open_connection(
                args.host, args.port, ssl=context, server_hostname=args.host if args.ssl else None)
        except ssl.SSLError as e:
            event("error", stage="tls", error=describe(e))
            return 2
        except (OSError, ConnectionError) as e:
            event("error", stage="connect", error=describe(e))
            return 2
        event("connected", host=args.host, port=args.port, tls=args.ssl)
        self.send("JoinRequest", {"username": args.username, "color": args.color})
        reading = asyncio.ensure_future(self.read(reader))
        await asyncio.wait([reading, self.goal], return_when=asyncio.FIRST_COMPLETED)
        if not self.goal.done():
            return 2  # the connection ended before the goal
        event("done")
        try:
            await asyncio.wait_for(asyncio.shield(reading), args.linger)
        except asyncio.TimeoutError:
            pass
        reading.cancel()
        self.writer.close()
        return 0

    async def run(self):
        session = asyncio.ensure_future(self.session())
        done, _ = await asyncio.wait([session, self.stop], timeout=self.args.timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if session in done:
            return session.result()
        session.cancel()
        if not done:
            event("timeout")
        return 0 if self.goal.done() else 1


# ---------------------------------------------------------------- command line

class Texts(argparse.Action):
    """--send and --send-file go into one list, in command-line order."""

    def __call__(self, parser, namespace, value, option):
        if option == "--send-file":
            with open(value, encoding="utf-8", newline="") as f:
                value = f.read()
        namespace.texts = (namespace.texts or []) + [value]


def arguments(argv):
    parser = argparse.ArgumentParser(description="An original-like PyChat peer, headless.")
    parser.add_argument("mode", choices=["client", "server"])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-P", "--port", type=int, default=8080)
    parser.add_argument("-u", "--username", default="Anonymous")
    parser.add_argument("-c", "--color", default="000000")
    parser.add_argument("--ssl", action="store_true")
    parser.add_argument("--certfile", default="./client.pem")
    parser.add_argument("--cafile", default="./rootCA.pem")
    parser.add_argument("--raw", action="store_true")
    parser.add_argument("--cols", type=int, default=200)
    parser.add_argument("--send", "--send-file", dest="texts", action=Texts, default=[])
    parser.add_argument("--wait-users", type=int, default=0)
    parser.add_argument("--expect-messages", type=int, default=0)
    parser.add_argument("--timeout", type=float)
    parser.add_argument("--linger", type=float, default=0.5)
    parser.add_argument("--host-say", action="append", default=[])
    args = parser.parse_args(argv)
    if args.timeout is None:
        args.timeout = 300.0 if args.mode == "server" else 30.0
    return args


async def main(args):
    loop = asyncio.get_running_loop()
    stop = loop.create_future()

    def on_signal(number):
        event("signal", signal=signal.Signals(number).name)
        if not stop.done():
            stop.set_result(number)

    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, on_signal, number)
    if args.mode == "server":
        try:
            server = Server(args, stop)
        except Rejected as e:
            event("error", stage="listen", error=f"Rejected: {e}")
            return 2
        return await server.run()
    return await Client(args, stop).run()


if __name__ == "__main__":
    code = asyncio.run(main(arguments(sys.argv[1:])))
    event("exit", code=code)
    sys.exit(code)
