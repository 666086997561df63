import AnycastCore

// Fuzz target: the site agent's config loader (TOML through TOMLKit/toml++, then the checks),
// from text as AgentConfigLoader.load hands it over, and for a loaded config the effective
// config `anycast-agent check-config` prints. Each input is loaded or refused with a
// ConfigError (the typed throw), never traps. The loader only reads files (token and PEM files
// named in the config); relative ones are looked up in a folder that does not exist, and the
// environment is a fixed dictionary, not the process's.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAgentConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let config = try AgentConfigLoader.parse(
            text, file: "agent.toml",
            environment: ["ANYCAST_AGENT_OPERATE_TOKEN": "operate-secret", "READ_TOKEN": "read-secret", "EMPTY": ""],
            baseDirectory: "/nonexistent/anycast-fuzz")
        _ = AgentConfigWriter.effective(config)
    } catch {
        _ = error.description  // a ConfigError: file:line: message
    }
    return 0
}
