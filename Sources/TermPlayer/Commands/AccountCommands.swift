import APIClient
import ArgumentParser
import Foundation
import LibraryModel

// MARK: user

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add, list and remove listener accounts, and set their passwords.",
        discussion: """
            Each listener has their own likes, ratings, history, playlists and API keys. Until the first \
            account exists, everyone on this machine is its local listener and no one needs to log in.

            Managing accounts needs the service's token or an admin's login: these commands send --token, \
            else TERMPLAYER_TOKEN, else the token file of the library on this machine, else the login \
            stored for the server by `termplayer login`. Listeners may change their own password.
            """,
        subcommands: [UserAddCommand.self, UserListCommand.self, UserPasswordCommand.self, UserRemoveCommand.self]
    )
}

struct UserAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a listener.",
        discussion: """
            The password is asked twice on the terminal, without echo; with --password-stdin it is the \
            first line of standard input instead (for scripts: printf '%s\\n' "$PASSWORD" | termplayer user add ann --password-stdin).
            """
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Let them manage accounts too.")
    var admin = false

    @Flag(help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @Argument(help: ArgumentHelp("The listener's name (unique, any case).", valueName: "name"))
    var name: String

    func run() async throws {
        let client = try await service.client(for: .accounts)
        let password = try await readPassword(fromStandardInput: passwordStdin, new: true, prompt: "Password for \(name): ")
        let user = try await serviceCall { () async throws(APIClientError) in
            try await client.addUser(NewUser(name: name, password: password, admin: admin ? true : nil))
        }
        print("added \(user.admin ? "admin" : "listener") \(user.name)")
    }
}

struct UserListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the accounts.",
        aliases: ["ls"]
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let client = try await service.client(for: .accounts)
        let users = try await serviceCall { () async throws(APIClientError) in try await client.users() }
        if json {
            try printJSON(users)
            return
        }
        let time = LocalTime()
        var table = TextTable(headers: ["NAME", "ROLE", "CREATED"])
        table.rows = users.map { user in
            [user.name, user.local ? "local listener" : user.admin ? "admin" : "listener", time.format(iso: user.createdAt)]
        }
        print(table.render())
    }
}

struct UserPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Set a listener's password.",
        discussion: """
            Admins (and the service's token) may set anyone's; a listener logged in as themselves may set \
            their own. The new password is asked twice on the terminal, or read from standard input with \
            --password-stdin. It ends the listener's logins (they log in again with it); their API keys \
            keep working.
            """
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @Argument(help: ArgumentHelp("The listener's name.", valueName: "name"))
    var name: String

    func run() async throws {
        let client = try await service.client(for: .accounts)
        let password = try await readPassword(fromStandardInput: passwordStdin, new: true, prompt: "New password for \(name): ")
        try await serviceCall { () async throws(APIClientError) in try await client.setPassword(of: name, to: password) }
        print("set the password of \(name)")
    }
}

struct UserRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a listener, with their likes, ratings, history, playlists and API keys.",
        discussion: """
            It asks nothing first, so scripts can use it: everything that was theirs goes with them, and \
            their logins and API keys stop working. The machine's local listener cannot be removed.
            """,
        aliases: ["rm"]
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("The listener's name.", valueName: "name"))
    var name: String

    func run() async throws {
        let client = try await service.client(for: .accounts)
        try await serviceCall { () async throws(APIClientError) in try await client.removeUser(name) }
        print("removed \(name), with their likes, ratings, history and playlists")
    }
}

/// A password from the terminal (asked, echo off; twice when `new`) or from standard input's first line.
func readPassword(fromStandardInput: Bool, new: Bool, prompt: String) async throws(CommandFailure) -> String {
    let result = await BlockingWork.run { () -> Result<String, CommandFailure> in
        do throws(CommandFailure) {
            if fromStandardInput { return .success(try PasswordPrompt.fromStandardInput()) }
            return .success(new ? try PasswordPrompt.askNew(prompt) : try PasswordPrompt.ask(prompt))
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}

// MARK: login, logout

/// `--server` alone: logging in and out is about a server, not about any token.
struct ServerOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The library service's URL.", valueName: "url"))
    var server: String?

    var serverURL: String { server ?? ServiceLocation.environmentServer ?? ServiceLocation.defaultServer }
}

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in as a listener, so later commands to this server act as them.",
        discussion: """
            The password is asked on the terminal without echo, or read from the first line of standard \
            input when that is not a terminal. The login (a token, never the password) is kept for this \
            server's URL in $XDG_CONFIG_HOME/termplayer/logins (else ~/.config/termplayer/logins), readable \
            only by you, until it expires after 30 days or `termplayer logout` ends it.

            Listener commands (like, likes, rate, history, playlist, apikey) then act as that listener, \
            unless --token or TERMPLAYER_TOKEN says otherwise. Without a login, commands on the machine \
            that runs the service act as its local listener.
            """
    )

    @OptionGroup var location: ServerOption

    @Argument(help: ArgumentHelp("The listener's name.", valueName: "name"))
    var name: String

    func run() async throws {
        let server = location.serverURL
        let password = try await readPassword(
            fromStandardInput: !PasswordPrompt.standardInputIsTerminal, new: false, prompt: "Password for \(name) at \(server): ")
        // No token goes with a login: an expired one would only be refused.
        let client = LibraryClient(server: server)
        let login = try await serviceCall { () async throws(APIClientError) in try await client.login(name: name, password: password) }
        let store = LoginStore()
        let previous = store.login(for: server)
        do {
            try store.save(StoredLogin(name: login.listener.name, token: login.token, expiresAt: login.expiresAt), for: server)
        } catch {
            throw CommandFailure(message: "logged in, but \(error); nothing was kept")
        }
        let until = ISOTime.parse(login.expiresAt).map { " until \(LocalTime().format($0))" } ?? ""
        print("logged in to \(server) as \(login.listener.name)\(login.listener.admin ? " (admin)" : "")\(until)")
        // The login this one replaces is ended too, so no forgotten token stays valid at the service.
        if let previous, previous.token != login.token, !previous.isExpired() {
            try? await LibraryClient(server: server, token: previous.token).logout()
        }
        if ServiceLocation.environmentToken != nil {
            note("note: TERMPLAYER_TOKEN is set, and commands send it instead of this login while it is")
        }
    }
}

struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "End the login kept for this server, and forget it.",
        discussion: """
            The service is told to end the login; it is forgotten here even when the service cannot be \
            reached or the login had already expired, and the command says which. Afterwards, commands on \
            the machine that runs the service act as its local listener again.
            """
    )

    @OptionGroup var location: ServerOption

    func run() async throws {
        let server = location.serverURL
        let store = LoginStore()
        guard let login = store.login(for: server) else {
            print("not logged in to \(server); nothing to forget")
            return
        }
        var outcome = "logged out \(login.name) from \(server)"
        if login.isExpired() {
            outcome = "forgot the login as \(login.name) at \(server); it had already expired"
        } else {
            do throws(APIClientError) {
                try await LibraryClient(server: server, token: login.token).logout()
            } catch let error where error.status == 401 {
                outcome = "forgot the login as \(login.name) at \(server); the service had already ended it"
            } catch {
                let until = login.expiry.map { " until \(LocalTime().format($0))" } ?? ""
                outcome = "forgot the login as \(login.name) here, but could not end it at \(server)\(until.isEmpty ? "" : " (it stays valid there\(until))"): \(serviceMessage(error))"
            }
        }
        do {
            try store.remove(for: server)
        } catch {
            throw CommandFailure(message: "could not forget the login as \(login.name): \(error)")
        }
        print(outcome)
    }
}

// MARK: apikey

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey",
        abstract: "Create, list and revoke your API keys, for scripts and other players.",
        discussion: """
            An API key acts as you, like a login, but does not expire: revoke it when it is no longer \
            needed. Send it as the bearer token (--token KEY, or TERMPLAYER_TOKEN=KEY). These commands act \
            as the listener your login (or --token) belongs to.
            """,
        subcommands: [APIKeyCreateCommand.self, APIKeyListCommand.self, APIKeyRevokeCommand.self]
    )
}

struct APIKeyCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an API key and print it; it is shown only this once.",
        discussion: "The key alone goes to standard output (KEY=$(termplayer apikey create backup)); the note about it to stderr."
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Print the key's JSON (with the key) instead.")
    var json = false

    @Argument(help: ArgumentHelp("What the key is for, to tell your keys apart.", valueName: "name"))
    var name: String

    func run() async throws {
        let client = try await service.client(for: .listener)
        let key = try await serviceCall { () async throws(APIClientError) in try await client.createAPIKey(named: name) }
        if json {
            try printJSON(key)
            return
        }
        print(key.key ?? "")
        note("created API key \(key.name) (id \(key.id)); it is shown only now, so keep it somewhere safe. Revoke it with `termplayer apikey revoke \(key.id)`.")
    }
}

struct APIKeyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List your API keys (their ids and names; the keys themselves are never shown again).",
        aliases: ["ls"]
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let client = try await service.client(for: .listener)
        let keys = try await serviceCall { () async throws(APIClientError) in try await client.apiKeys() }
        if json {
            try printJSON(keys)
            return
        }
        let time = LocalTime()
        var table = TextTable(headers: ["ID", "NAME", "CREATED"])
        table.rows = keys.map { [$0.id, $0.name, time.format(iso: $0.createdAt)] }
        print(table.render())
    }
}

struct APIKeyRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke one of your API keys, by id (or by name, when only one key has it).",
        discussion: "The key stops working at once."
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("The key's id, as `termplayer apikey list` shows it, or its name.", valueName: "id"))
    var id: String

    func run() async throws {
        let client = try await service.client(for: .listener)
        let keys = try await serviceCall { () async throws(APIClientError) in try await client.apiKeys() }
        let named = keys.filter { $0.name.caseInsensitiveCompare(id) == .orderedSame }
        guard let key = keys.first(where: { $0.id == id }) ?? (named.count == 1 ? named.first : nil) else {
            let yours = keys.isEmpty ? "you have none" : "yours: " + keys.map { "\($0.id) (\($0.name))" }.joined(separator: ", ")
            if named.count > 1 { throw CommandFailure(message: "\(named.count) of your API keys are named \(id); give the id instead (\(yours))") }
            throw CommandFailure(message: "you have no API key \(id) (\(yours))")
        }
        try await serviceCall { () async throws(APIClientError) in try await client.revokeAPIKey(key.id) }
        print("revoked API key \(key.name) (id \(key.id))")
    }
}
