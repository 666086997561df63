import AnycastCore
import Foundation
import Testing

/// `docs/agent-api.yaml` against the codes and ranges the agent's code uses.
@Suite struct OpenAPIErrorCodeTests {
    static func schema(_ name: String) -> [String: Any] {
        let components = OpenAPIExampleTests.document["components"] as! [String: Any]
        return (components["schemas"] as! [String: Any])[name] as! [String: Any]
    }

    @Test func theErrorEnumIsEveryCodeTheAgentSends() {
        let properties = Self.schema("Error")["properties"] as! [String: Any]
        let documented = (properties["error"] as! [String: Any])["enum"] as! [String]
        #expect(Set(documented) == Set(APIErrorCode.allCases.map(\.rawValue)))
        #expect(documented.count == APIErrorCode.allCases.count, "no code twice")
    }

    @Test func eventsSinceIsBoundedByTheUnsigned64BitSequenceNumbers() throws {
        let paths = OpenAPIExampleTests.document["paths"] as! [String: Any]
        let get = (paths["/v1/events"] as! [String: Any])["get"] as! [String: Any]
        let since = try #require((get["parameters"] as! [[String: Any]]).first { $0["name"] as? String == "since" })
        let maximum = try #require((since["schema"] as! [String: Any])["maximum"], "since needs a maximum")
        #expect("\(maximum)" == "\(UInt64.max)", "\(type(of: maximum)) \(maximum)")
    }
}
