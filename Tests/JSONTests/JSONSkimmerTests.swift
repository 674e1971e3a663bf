import Testing

@testable import JSON

@Suite struct JSONSkimmerTests {
    let text =
        #" {"id":"L\"1","evses":[ {"evse_id":"CL*A*E1","n":[1,{"x":"]}"}]} , {"evse_id":"CL*A*E\u0032"} ],"n":-1.5e3,"k\u0065y":"v","t":true} "#

    @Test func findsMembersAndElementsByRange() throws {
        let skimmer = JSONSkimmer(Array(text.utf8))
        let members = try skimmer.members(["id", "evses", "n", "key", "absent"], in: try skimmer.root())
        #expect(Set(members.keys) == ["id", "evses", "n", "key"])
        #expect(try skimmer.string(at: members["key"]!) == "v")
        #expect(try skimmer.string(at: members["id"]!) == "L\"1")
        #expect(String(decoding: skimmer.bytes[members["n"]!], as: UTF8.self) == "-1.5e3")
        let evses = try skimmer.elements(of: members["evses"]!)
        #expect(evses.count == 2)
        let ids = try evses.map { try skimmer.string(at: try skimmer.members(["evse_id"], in: $0)["evse_id"]!) }
        #expect(ids == ["CL*A*E1", "CL*A*E2"])
        #expect(
            try JSONParser.parse(skimmer.bytes[evses[0]])
                == JSONParser.parse(Array(#"{"evse_id":"CL*A*E1","n":[1,{"x":"]}"}]}"#.utf8)))
        #expect(try skimmer.string(at: members["n"]!) == nil)
        let empty = JSONSkimmer(Array(" [ ] ".utf8))
        #expect(try empty.elements(of: try empty.root()) == [])
    }

    @Test(arguments: [#"{"a":1"#, #"{"a" 1}"#, #"{"a":"x}"#, #"[1 2]"#, #"{"a":1} x"#, #"{"a":tr"ue}"#, ""])
    func refusesWhatItCannotWalk(text: String) {
        let skimmer = JSONSkimmer(Array(text.utf8))
        #expect(throws: JSONSyntaxError.self) {
            let root = try skimmer.root()
            _ = try skimmer.members(["a"], in: root)
            _ = try skimmer.elements(of: root)
        }
    }
}
