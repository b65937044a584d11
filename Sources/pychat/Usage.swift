enum Usage {
    static let version = "pychat 0.1.0"

    static let text = """
    usage: pychat [-s] [-H HOST] [-P PORT] [-u NAME] [-c RRGGBB] [options]
           pychat replay FILE [--verify] [--screen [--at STEP] | --screens]
           pychat certs [--out DIR] [--force]
           pychat bench [-H HOST] -P PORT [--clients C] [--messages M] [--rate R] [--size S] [options]
           pychat bench --relay [-H HOST] [-P PORT]

    A terminal chat, wire-compatible with PyChat 0.1.0.

      -s, --serve             run the server (default: connect to one as a client)
      -H, --host HOST         address to listen on or to connect to (default 0.0.0.0)
      -P, --port PORT         port (default 8080; 0 with --serve picks a free one)
      -u, --username NAME     your name (default Anonymous)
      -c, --color RRGGBB      your colour, six hex digits (default 000000)
          --ssl               mutual TLS (with --certfile and --cafile)
          --certfile FILE     PEM file with the private key and certificate (default ./client.pem)
          --cafile FILE       CA certificate (default ./rootCA.pem)
          --headless          no terminal UI: a client sends each line of standard input and
                              prints what it is shown; a server logs to standard error
          --no-notify         a line naming you is highlighted, but rings no bell and posts no
                              desktop notification (also: PYCHAT_NO_NOTIFY=1 in the environment)
          --record FILE       write the session's event log to FILE
          --no-reconnect      client: exit with code 3 when the server goes away, instead of
                              reconnecting (1 s doubling to 60 s, with jitter)
          --data DIR          server: keep the room log in DIR/HOST_PORT.sqlite3 (default
                              $XDG_STATE_HOME/pychat or ~/.local/state/pychat; a server on
                              --port 0 keeps none unless --data is given)
          --ephemeral         server: keep no room log
          --history-keep N|Nd server: entries per room, or days, the room log keeps; the other
                              stays at its default (default 1000000 entries and 90d, whichever
                              keeps less)
          --max-frame BYTES   largest frame accepted (default 65536)
          --max-output BYTES  output queued per connection before backpressure (default 1048576)
          --stall-timeout S   seconds a reader others wait for (its output over half of
                              --max-output while reading is paused) may take nothing (default 5)
          --frame-timeout S   seconds a frame may take to arrive after its first byte (default 30)
          --max-connections N most connections a server accepts (default 20000)
          --rate N            chats a second a member may send after --burst; more are delayed,
                              never dropped (default 2; 0: no limit)
          --burst N           chats a member may send at once (default 5)
          --max-per-address N connections open at once from one IP address (default 16; 0: any);
                              127.0.0.1 and ::1 are never counted
          --max-unjoined-per-address N
                              of those, connections not yet joined (default 8; 0: any)
          --connect-burst N   new connections from one address in a row (default 16; 0: no throttle)
          --connects-per-minute N
                              new connections per address and minute after that (default 4)
          --op FINGERPRINT    server with --ssl: the client certificate with this SHA-256
                              fingerprint is an op (as openssl x509 -fingerprint -sha256
                              prints it; repeatable)
          --history-for-originals N
                              send an original PyChat client the room's latest N lines (up to
                              100) as SystemMessages on joining, "[12:01] alice: hi", times in
                              UTC (default 0: the original protocol exactly)
      -h, --help              this text
          --version           the version

      certs [--out DIR]       write rootCA.key, rootCA.pem, server.pem and client.pem (default .);
                              an existing CA is kept unless --force
      replay FILE             re-run a recorded session through the core and print its transcript
          --verify            exit 1 at the first step whose effects differ from the record
          --screen [--at N]   print the screen the user saw after step N (default: the last)
          --screens           print the screen after every step
      bench                   a load generator: C clients join, then each sends M messages of S
                              bytes at R per second (0: as fast as possible; defaults 10, 100,
                              0, 64); every delivery is checked (loss, duplicates, order per
                              sender) and timed. Exit 1 on any loss.
          --json FILE         also write the report as JSON
          --ssl, --certfile, --cafile   as for a client
          --name PREFIX       client names PREFIX0, PREFIX1, ... (default bench)
          --idle-timeout S    end the run once nothing arrived for S seconds (default 3)
          --join-timeout S    give up joining after S seconds (default 120)
          --join-quiet S      joining is over after S seconds without join traffic (default 0.3)
          --relay             instead, serve as the trivial fan-out relay the bench is checked against

    Exit codes: 0 done, 1 failure (cannot listen, connect or open the room log), 2 usage error,
    3 the server closed the connection.
    """
}
