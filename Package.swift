// swift-tools-version: 6.0
import PackageDescription

// No package dependencies: the toolchain, the system's OpenSSL (apt libssl-dev) and C headers only.
let package = Package(
    name: "pychat",
    products: [
        .executable(name: "pychat", targets: ["pychat"]),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // The room log: the system's SQLite (apt libsqlite3-dev), with its FTS5 full-text index.
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // epoll, signalfd and accept4, with the kernel's struct layouts: headers only, no library.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        // The pure core: no clocks, randomness, I/O or OS modules; Foundation at most.
        .target(name: "ChatState"),
        // The effect interpreter: sockets, TLS, terminal, timers, log writer.
        .target(name: "ChatIO", dependencies: ["ChatState", "COpenSSL", "CLinux", "CSQLite"]),
        // `pychat bench` and its relay: a load generator on ChatIO's loop, sockets and TLS, reached
        // through `package` access (nothing else in the interpreter needs the bench).
        .target(name: "ChatBench", dependencies: ["ChatState", "ChatIO"]),
        .executableTarget(name: "pychat", dependencies: ["ChatState", "ChatIO", "ChatBench"]),
        .testTarget(name: "StateTests", dependencies: ["ChatState"], exclude: ["Fixtures"]),
        // Used only by the tests: writes to a room log and says after each commit what is
        // committed, so a test can SIGKILL it at any moment and check that nothing said is lost.
        .executableTarget(name: "RoomLogWriter", dependencies: ["ChatState", "ChatIO"], path: "Tests/RoomLogWriter"),
        // pychat too: a test reads what its command line makes of the flags (`ArgumentParser`).
        .testTarget(name: "IntegrationTests", dependencies: ["ChatState", "ChatIO", "ChatBench", "pychat"]),
        // The seeded simulations: the real server Runtime over a simulated network (SimulatedOS).
        // Its release build skips the run-time exclusivity checks (a tenth of the simulator's own
        // time, on every access to the simulator's properties); debug builds, `swift test`'s,
        // keep them, so an overlapping access still traps there.
        .testTarget(name: "Simulations", dependencies: ["ChatState", "ChatIO"], path: "Simulations",
                    swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
    ],
    swiftLanguageModes: [.v6]
)
