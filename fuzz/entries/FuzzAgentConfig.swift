import AnycastCore

/// Fuzz target agentconfig: the site agent's config loader (TOML through TOMLKit/toml++, then
/// the checks), from text as AgentConfigLoader.load hands it over, and for a loaded config the
/// effective config `anycast-agent check-config` prints. Each input is loaded or refused with
/// a ConfigError (the typed throw), never traps. The loader only reads files (token and PEM
/// files named in the config); relative ones are looked up in a folder that does not exist,
/// and the environment is a fixed dictionary, not the process's.
@discardableResult
func fuzzAgentConfig(_ bytes: [UInt8]) -> Result<AgentConfig, ConfigError> {
    let result = Result { () throws(ConfigError) in
        try AgentConfigLoader.parse(
            String(decoding: bytes, as: UTF8.self), file: "agent.toml",
            environment: ["ANYCAST_AGENT_OPERATE_TOKEN": "operate-secret", "READ_TOKEN": "read-secret", "EMPTY": ""],
            baseDirectory: "/nonexistent/anycast-fuzz")
    }
    switch result {
    case .success(let config): _ = AgentConfigWriter.effective(config)
    case .failure(let error): _ = error.description  // file:line: message
    }
    return result
}
