// swift-tools-version: 6.0
import PackageDescription

// No package dependencies: the toolchain and the system's OpenSSL (apt libssl-dev) only.
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
        // The pure core: no clocks, randomness, I/O or OS modules; Foundation at most.
        .target(name: "ChatState"),
        // The effect interpreter: sockets, TLS, terminal, timers, log writer.
        .target(name: "ChatIO", dependencies: ["ChatState", "COpenSSL"]),
        .executableTarget(name: "pychat", dependencies: ["ChatState", "ChatIO"]),
        .testTarget(name: "StateTests", dependencies: ["ChatState"], exclude: ["Fixtures"]),
        .testTarget(name: "IntegrationTests", dependencies: ["ChatState", "ChatIO"]),
        .testTarget(name: "Simulations", dependencies: ["ChatState"], path: "Simulations"),
    ],
    swiftLanguageModes: [.v6]
)
