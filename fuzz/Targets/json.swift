// The JSON parser on any bytes. Invariants: no crash, linear work (duplicate keys, deep
// nesting and long strings included), and a parsed document's strings hold valid Unicode.
import ChatState

func fuzzOne(_ data: [UInt8]) {
    _ = try? expectLinear("JSONParser.parse", bytes: data.count, perByte: 50) {
        try JSONParser.parse(data)
    }
}
