/// The release this build belongs to; sent as the User-Agent and printed by `termplayer version`.
public enum TermPlayerVersion {
    public static let current = "0.1.0"
}
