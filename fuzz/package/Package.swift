// swift-tools-version:6.0
// libFuzzer targets that need SwiftPM (issue 8): the config loaders (TOMLKit has a C++ part,
// so they cannot be built with plain swiftc like fuzz/targets/*.swift), the API request
// decoding, the status-update reader and the status stream parser. Each executable defines
// only `LLVMFuzzerTestOneInput`, which calls the target's body: a link to its file in
// fuzz/entries, the file the regression tests compile too. libFuzzer supplies `main`. Built by
// scripts/fuzz/run.sh:
//   swift build --package-path fuzz/package --scratch-path .build-fuzz -c release \
//       --sanitize=fuzzer --product NAME
import PackageDescription

let package = Package(
    name: "anycast-dash-fuzz",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fleetconfig", targets: ["fleetconfig"]),
        .executable(name: "agentconfig", targets: ["agentconfig"]),
        .executable(name: "apirequest", targets: ["apirequest"]),
        .executable(name: "statusupdate", targets: ["statusupdate"]),
        .executable(name: "statusstream", targets: ["statusstream"]),
    ],
    dependencies: [
        .package(name: "anycast-dash", path: "../.."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(name: "fleetconfig", dependencies: [.product(name: "AnycastCore", package: "anycast-dash")]),
        .executableTarget(name: "agentconfig", dependencies: [.product(name: "AnycastCore", package: "anycast-dash")]),
        .executableTarget(name: "apirequest", dependencies: [.product(name: "AnycastCore", package: "anycast-dash")]),
        .executableTarget(name: "statusupdate", dependencies: [.product(name: "AnycastCore", package: "anycast-dash")]),
        // AnycastPoller is not a product of the root package: its StatusStreamParser.swift
        // (which needs only NIOCore) is compiled into this target through a symlink, so the
        // target's body does not import AnycastPoller (FUZZ_SOURCES_COMPILED_IN).
        .executableTarget(
            name: "statusstream",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: [.define("FUZZ_SOURCES_COMPILED_IN")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
