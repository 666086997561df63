// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "anycast-dash",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "anycast-dash", targets: ["anycast-dash"]),
        .executable(name: "anycast-agent", targets: ["anycast-agent"]),
        .library(name: "AnycastCore", targets: ["AnycastCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/pointfreeco/swift-clocks.git", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        .target(
            name: "AnycastCore",
            dependencies: [
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "AnycastAgent",
            dependencies: [
                "AnycastCore",
                "AnycastCoordination",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Clocks", package: "swift-clocks"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "AnycastPoller",
            dependencies: [
                "AnycastCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Clocks", package: "swift-clocks"),
            ],
            swiftSettings: strict
        ),
        // The simulated fleet's model: traffic, latency, peers and drains as a pure function
        // of time and a seed. No agent and no networking, so the dashboard's tests can use it.
        .target(
            name: "AnycastSimulation",
            dependencies: ["AnycastCore"],
            swiftSettings: strict
        ),
        // Simulated agents: real SiteAgents over simulated backends, served over HTTP (the demo,
        // `anycast-agent simulate` and the tests of everything that talks to agents).
        .target(
            name: "AnycastSimulatedFleet",
            dependencies: [
                "AnycastCore", "AnycastAgent", "AnycastSimulation",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // TLS settings for swift-nio-ssl from the PEM files the configs name (agent and dashboard).
        .target(
            name: "AnycastTLS",
            dependencies: ["AnycastCore", .product(name: "NIOSSL", package: "swift-nio-ssl")],
            swiftSettings: strict
        ),
        .target(
            name: "AnycastDashboard",
            dependencies: ["AnycastCore"],
            swiftSettings: strict
        ),
        // The only target that sees ncurses: a system library plus a C shim for its macros.
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(
            name: "AnycastTerminal",
            dependencies: ["CNcursesw", "AnycastDashboard"],
            swiftSettings: strict
        ),
        .target(
            name: "AnycastTUI",
            dependencies: [
                "AnycastCore", "AnycastCoordination", "AnycastPoller", "AnycastDashboard", "AnycastTerminal",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Clocks", package: "swift-clocks"),
            ],
            swiftSettings: strict
        ),
        // Fleet coordination through etcd (its v3 JSON gateway): the client, with failover
        // across the cluster's members and a deadline on every call.
        .target(
            name: "AnycastCoordination",
            dependencies: [
                "AnycastCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // What the executables share about the command line: the exit status of usage errors.
        .target(
            name: "AnycastCommandLine",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        // The runbook commands' logic (drain, undrain, extend): their options, the check of
        // what an agent supports, and the progress they print, pure so it is tested without a fleet.
        .target(
            name: "AnycastRunbook",
            dependencies: [
                "AnycastCore", "AnycastDashboard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "anycast-agent",
            dependencies: [
                "AnycastCommandLine",
                "AnycastCoordination",
                "AnycastCore",
                "AnycastAgent",
                "AnycastSimulatedFleet",
                "AnycastTLS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "anycast-dash",
            dependencies: [
                "AnycastCommandLine",
                "AnycastCoordination",
                "AnycastCore",
                "AnycastAgent",
                "AnycastSimulatedFleet",
                "AnycastTLS",
                "AnycastPoller",
                "AnycastDashboard",
                "AnycastTUI",
                "AnycastRunbook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "anycast-bench",
            dependencies: [
                "AnycastCore", "AnycastDashboard", "AnycastTerminal", "AnycastPoller", "AnycastTLS",
                "AnycastAgent", "AnycastCoordination", "AnycastSimulatedFleet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnycastCoreTests",
            dependencies: ["AnycastCore", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnycastAgentTests",
            dependencies: [
                "AnycastCore",
                "AnycastAgent",
                "AnycastCoordination",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Clocks", package: "swift-clocks"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        // The dashboard's tests link neither the agent nor its HTTP server: fixtures come from
        // the simulation's model.
        .testTarget(
            name: "AnycastDashboardTests",
            dependencies: ["AnycastCore", "AnycastDashboard", "AnycastSimulation"],
            exclude: ["Snapshots"],
            swiftSettings: strict
        ),
        // The dashboard's start-up checks: the terminal and the theme, before curses runs.
        .testTarget(
            name: "AnycastTUITests",
            dependencies: [
                "AnycastCore", "AnycastDashboard", "AnycastTerminal", "AnycastTUI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnycastRunbookTests",
            dependencies: [
                "AnycastCore", "AnycastDashboard", "AnycastRunbook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnycastSimulationTests",
            dependencies: ["AnycastCore", "AnycastSimulation"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnycastPollerTests",
            dependencies: [
                "AnycastCore",
                "AnycastAgent",
                "AnycastSimulatedFleet",
                "AnycastTLS",
                "AnycastPoller",
                "AnycastDashboard",
                "AnycastTUI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Clocks", package: "swift-clocks"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
