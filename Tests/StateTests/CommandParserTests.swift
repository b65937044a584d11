import Foundation
import Testing
@testable import ChatState

/// The one table and parser of `/` lines: every command's shape, and every wrong use answered
/// with what is wrong and how to write it.
@Suite struct CommandParserTests {
    func read(_ s: String) -> TypedLine { CommandParser.read(s) }

    @Test func chatIsChatAndTwoSlashesSendOne() {
        #expect(read("hello") == .chat("hello"))
        #expect(read(" /not a command") == .chat(" /not a command"))
        #expect(read("//nick alicia") == .chat("/nick alicia"))
        #expect(read("//") == .chat("/"))
    }

    @Test func everyCommandReadsItsArguments() {
        #expect(read("/help") == .command(.help(topic: nil)))
        #expect(read("/help msg") == .command(.help(topic: "msg")))
        #expect(read("/HELP /Msg") == .command(.help(topic: "msg")))
        #expect(read("/nick alicia") == .command(.nick("alicia")))
        #expect(read("/nick   alicia  ") == .command(.nick("alicia")))
        #expect(read("/me waves  at\tyou ") == .command(.me("waves  at\tyou")))
        #expect(read("/msg bob hi  there") == .command(.msg(to: "bob", text: "hi  there")))
        #expect(read("/msg bob line one\nline two") == .command(.msg(to: "bob", text: "line one\nline two")))
        #expect(read("/reply ok") == .command(.reply("ok")))
        #expect(read("/who") == .command(.who))
        #expect(read("/whois bob") == .command(.whois("bob")))
        #expect(read("/away") == .command(.away(nil)))
        #expect(read("/away at lunch") == .command(.away("at lunch")))
        #expect(read("/back") == .command(.back))
        #expect(read("/topic") == .command(.topic(nil)))
        #expect(read("/topic Friday's release") == .command(.topic("Friday's release")))
        #expect(read("/quit") == .command(.quit(nil)))
        #expect(read("/quit bye all") == .command(.quit("bye all")))
        #expect(read("/ignore bob") == .command(.ignore("bob")))
        #expect(read("/unignore bob") == .command(.unignore("bob")))
        #expect(read("/search lunch friday") == .command(.search(words: ["lunch", "friday"])))
        // Names of commands ignore case, as IRC's do.
        #expect(read("/WHO") == .command(.who))
    }

    @Test func everyWrongUseSaysWhatIsWrongAndHowToWriteIt() {
        #expect(read("/") == .wrong("A command's name follows the / at once: /help lists them, //text sends /text."))
        #expect(read("/ nick") == .wrong("A command's name follows the / at once: /help lists them, //text sends /text."))
        #expect(read("/frob x") == .wrong("Unknown command /frob: /help lists the commands, //text sends /text."))
        #expect(read("/who is here") == .wrong("/who takes nothing after it. Usage: /who"))
        #expect(read("/back now") == .wrong("/back takes nothing after it. Usage: /back"))
        #expect(read("/me") == .wrong("/me needs ACTION. Usage: /me ACTION"))
        #expect(read("/me   ") == .wrong("/me needs ACTION. Usage: /me ACTION"))
        #expect(read("/reply") == .wrong("/reply needs TEXT. Usage: /reply TEXT"))
        #expect(read("/nick") == .wrong("/nick needs a NAME. Usage: /nick NAME"))
        #expect(read("/nick two words") == .wrong("/nick takes one NAME (a NAME with spaces goes in double quotes: \"mary jane\"). Usage: /nick NAME"))
        #expect(read("/whois") == .wrong("/whois needs a NAME. Usage: /whois NAME"))
        #expect(read("/ignore a b") == .wrong("/ignore takes one NAME (a NAME with spaces goes in double quotes: \"mary jane\"). Usage: /ignore NAME"))
        #expect(read("/unignore") == .wrong("/unignore needs a NAME. Usage: /unignore NAME"))
        #expect(read("/msg") == .wrong("/msg needs a NAME and a TEXT. Usage: /msg NAME TEXT"))
        #expect(read("/msg bob") == .wrong("/msg needs a TEXT after the NAME. Usage: /msg NAME TEXT"))
        #expect(read("/help frob") == .wrong("/help knows no command /frob. Usage: /help [COMMAND]"))
        #expect(read("/help nick me") == .wrong("/help takes one COMMAND. Usage: /help [COMMAND]"))
        #expect(read("/search") == .wrong("/search needs WORDS. Usage: /search WORDS"))
    }

    @Test func aHostileCommandNameIsShownCutToANamesLength() {
        let long = String(repeating: "x", count: 10_000)
        #expect(read("/" + long) == .wrong("Unknown command /\(String(repeating: "x", count: Limits.maxNameLength)): /help lists the commands, //text sends /text."))
    }

    @Test func helpListsTheTableAndOneCommandsUsage() {
        let all = CommandParser.help(nil)
        #expect(all.first == "Commands (//text sends /text):")
        // By default, what everyone may use: the ops' commands are listed to ops.
        #expect(all.count == CommandSpec.all.filter { $0.permission == .everyone }.count + 1)
        #expect(all.contains("  /msg NAME TEXT: a private message to one member"))
        #expect(CommandParser.help("away") == ["/away [TEXT]: mark yourself away (private messages say so)."])
        // A filter (the server's for an original client) leaves out what it may not use.
        #expect(CommandParser.help(nil) { $0.place == .server }.contains { $0.hasPrefix("  /ignore") } == false)
    }

    @Test func everyRowOfTheTableIsReadAndNamedOnce() {
        #expect(Set(CommandSpec.all.map(\.name)).count == CommandSpec.all.count)
        for spec in CommandSpec.all {
            // Each command's usage with sample arguments reads back as that command.
            let sample = spec.arguments == "N" ? "1" : spec.arguments.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
                .replacingOccurrences(of: "COMMAND", with: "nick").replacingOccurrences(of: "DURATION", with: "10m")
            guard case .command(let c) = read(spec.usage.isEmpty ? "/" + spec.name : "/\(spec.name) \(sample)") else {
                Issue.record("\(spec.name) does not read")
                continue
            }
            #expect(c.name == spec.name)
            #expect(c.spec == spec)
            #expect(spec.permission == (ModerationCommand.specs.contains(spec) ? .op : .everyone))
        }
    }
}
